import { CATEGORIES, DIFFICULTY_LABEL, REGIONS, SORTS, MAX_RESULTS } from '../../src/trips/catalog.js';
import type { SearchResult } from '../../src/trips/types.js';
import type { SearchQuery } from '../../src/trips/schemas.js';
import { TripCardView } from './parts.js';

/** The URL of a search, with only the parameters that are set. */
export function searchUrl(q: Partial<SearchQuery>, page?: number): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...q, page: page ?? q.page })) {
    if (v === undefined || v === '' || (k === 'sort' && v === 'soonest') || (k === 'page' && v === 1)) continue;
    params.set(k, String(v));
  }
  const s = params.toString();
  return s ? `/trips?${s}` : '/trips';
}

const Opt = (p: { value: string; label: string; current?: string }) => (
  <option value={p.value} selected={p.current === p.value}>
    {p.label}
  </option>
);

/** The search form: a plain GET form; with htmx each change swaps only the results. */
export function SearchForm(p: { q: SearchQuery; today: string }) {
  const q = p.q;
  return (
    <form
      method="get"
      action="/trips"
      aria-label="Search treks"
      hx-get="/trips"
      hx-target="#results"
      hx-swap="outerHTML"
      hx-push-url="true"
      hx-trigger="submit, input changed delay:500ms from:#q, change from:#filters"
      hx-sync="this:replace"
    >
      <div role="search">
        <input
          id="q"
          type="search"
          name="q"
          value={q.q ?? ''}
          placeholder="Trek, place or word"
          aria-label="Search treks"
          inputmode="search"
          autocomplete="off"
          maxlength={100}
        />
        <button type="submit">Search</button>
      </div>
      <details id="filters">
        <summary>Filters and sort</summary>
        <label>
          Region
          <select name="region">
            <option value="">Anywhere</option>
            {REGIONS.map((r) => (
              <Opt value={r} label={r} current={q.region} />
            ))}
          </select>
        </label>
        <label>
          Category
          <select name="category">
            <option value="">Any</option>
            {Object.entries(CATEGORIES).map(([v, l]) => (
              <Opt value={v} label={l} current={q.category} />
            ))}
          </select>
        </label>
        <label>
          Difficulty
          <select name="difficulty">
            <option value="">Any</option>
            {Object.entries(DIFFICULTY_LABEL).map(([v, l]) => (
              <Opt value={v} label={l} current={q.difficulty} />
            ))}
          </select>
        </label>
        <div class="grid">
          <label>
            Starting from
            <input type="date" name="from" value={q.from ?? ''} min={p.today} />
          </label>
          <label>
            Starting by
            <input type="date" name="to" value={q.to ?? ''} min={p.today} />
          </label>
        </div>
        <div class="grid">
          <label>
            Min price (₹)
            <input type="number" name="min" value={q.min ?? ''} min={0} step={500} inputmode="numeric" />
          </label>
          <label>
            Max price (₹)
            <input type="number" name="max" value={q.max ?? ''} min={0} step={500} inputmode="numeric" />
          </label>
        </div>
        <label>
          <input type="checkbox" name="seats" value="1" checked={q.seats === '1'} /> Only with seats left
        </label>
        <label>
          Sort
          <select name="sort">
            {Object.entries(SORTS).map(([v, l]) => (
              <Opt value={v} label={l} current={q.sort} />
            ))}
          </select>
        </label>
        <button type="submit">Show treks</button>
      </details>
    </form>
  );
}

/** The result list: what the page includes and what an htmx search swaps in. */
export function SearchResults(p: { r: SearchResult }) {
  const { r } = p;
  const link = (page: number) => searchUrl(r.query, page);
  return (
    <section id="results" aria-live="polite">
      {r.cards.length === 0 ? (
        <div>
          <h2>No treks match</h2>
          <p>Try fewer words, another region, or clear the dates and price. Popular searches:</p>
          <ul>
            {['Kedarkantha', 'Hampta Pass', 'Valley of Flowers', 'Goechala'].map((s) => (
              <li>
                <a href={searchUrl({ q: s })}>{s}</a>
              </li>
            ))}
            <li>
              <a href="/trips">All upcoming treks</a>
            </li>
          </ul>
        </div>
      ) : (
        <>
          <p class="muted">
            {r.capped
              ? `More than ${MAX_RESULTS} treks match; showing the first ${MAX_RESULTS}. Add a filter to narrow them.`
              : `${r.total} ${r.total === 1 ? 'trek' : 'treks'}`}
            {r.pages > 1 && ` · page ${r.page} of ${r.pages}`}
          </p>
          <div class="cards">
            {r.cards.map((t) => (
              <TripCardView trip={t} level={2} />
            ))}
          </div>
          {r.pages > 1 && (
            <nav aria-label="Pages">
              <ul>
                {r.page > 1 && (
                  <li>
                    <a
                      href={link(r.page - 1)}
                      rel="prev"
                      hx-get={link(r.page - 1)}
                      hx-target="#results"
                      hx-swap="outerHTML"
                      hx-push-url="true"
                    >
                      ← Previous
                    </a>
                  </li>
                )}
                {r.page < r.pages && (
                  <li>
                    <a
                      href={link(r.page + 1)}
                      rel="next"
                      hx-get={link(r.page + 1)}
                      hx-target="#results"
                      hx-swap="outerHTML"
                      hx-push-url="true"
                    >
                      Next →
                    </a>
                  </li>
                )}
              </ul>
            </nav>
          )}
        </>
      )}
    </section>
  );
}

export function SearchPage(p: { r: SearchResult; today: string }) {
  return (
    <>
      <h1>Find a trek</h1>
      <SearchForm q={p.r.query} today={p.today} />
      <SearchResults r={p.r} />
    </>
  );
}
