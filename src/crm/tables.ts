/** The FTS5 index of users for the agents' search (rowid = users.id), kept by triggers (migration 0057). */
export interface CrmCustomersFtsTable {
  rowid: number;
  name: string;
  email: string;
  phone: string;
  /** The FTS5 table itself, as the left side of MATCH. */
  crm_customers_fts: string;
}

export interface CrmTables {
  crm_customers_fts: CrmCustomersFtsTable;
}
