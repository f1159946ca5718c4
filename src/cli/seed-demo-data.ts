/** The demo's organizers and where each runs treks (npm run seed:demo; the treks are in seed-demo-treks-*.ts). */
import type { Category, Region } from '../trips/catalog.js';
import type { Difficulty } from '../trips/tables.js';

/** A trek as the demo lists it: one trip per organizer that runs it, with a variant name past the first. */
export interface Trek {
  name: string;
  region: Region;
  destination: string;
  days: number;
  difficulty: Difficulty;
  /** Typical price in rupees. */
  price: number;
  categories: Category[];
  months: number[];
  blurb: string;
  days_: string[];
}

export const ORGANIZERS = [
  {
    name: 'Himalayan Trails Co.',
    location: 'Dehradun',
    about: 'Small groups in Garhwal and Kumaon since 2012. Local guides from Sankri and Lohajung.',
  },
  {
    name: 'Parvati Mountain Guides',
    location: 'Manali',
    about: 'Certified guides for Kullu, Lahaul and Spiti: passes, lakes and first treks.',
  },
  {
    name: 'Kanchen Treks',
    location: 'Yuksom',
    about: 'Sikkimese team running Goechala and Dzongri the slow way, with acclimatisation days.',
  },
  {
    name: 'High Desert Expeditions',
    location: 'Leh',
    about: 'Ladakh homestay treks and winter Chadar, with oxygen and a medic on every batch.',
  },
  {
    name: 'Valley Lakes Kashmir',
    location: 'Srinagar',
    about: 'Great Lakes and Tarsar Marsar with our own horses and kitchen crew.',
  },
  {
    name: 'Sahyadri Weekenders',
    location: 'Pune',
    about: 'Monsoon and weekend treks in the Sahyadris for working people and families.',
  },
  {
    name: 'Malnad Trek Club',
    location: 'Bengaluru',
    about: 'Kudremukh, Netravati and Coorg with forest department permits sorted.',
  },
  {
    name: 'Seven Sisters Outdoors',
    location: 'Guwahati',
    about: 'Nagaland, Meghalaya and Arunachal trails with local hosts.',
  },
];

export const ORG_REGIONS: Region[][] = [
  ['Uttarakhand'],
  ['Himachal Pradesh'],
  ['Sikkim'],
  ['Ladakh'],
  ['Kashmir'],
  ['Western Ghats'],
  ['Western Ghats', 'Uttarakhand'],
  ['Northeast', 'Sikkim'],
];
