import { CATEGORIES } from '../src/trips/catalog.js';
import type { HomeData } from '../src/trips/types.js';
import { TripCardView } from './trips/parts.js';

export interface HomeProps {
  signedIn: boolean;
  data: HomeData;
}

/** The front page: a search box, the soonest departures with seats, categories. */
export function HomePage(p: HomeProps) {
  return (
    <>
      <hgroup>
        <h1>Find your next trek</h1>
        <p>Small groups, real organizers, honest prices — in the Himalaya, the Western Ghats and beyond.</p>
      </hgroup>
      <form method="get" action="/trips" role="search">
        <input type="search" name="q" placeholder="Trek, place or word" aria-label="Search treks" inputmode="search" />
        <button type="submit">Search</button>
      </form>
      {p.data.soonest.length === 0 && p.data.categories.length === 0 && (
        <section id="empty">
          <h2>No treks listed yet</h2>
          <p>Organizers: register and list your first trek. Running this site? On the server:</p>
          <pre>
            <code>npm run setup{'\n'}npm run seed:demo</code>
          </pre>
          <p class="muted">
            The first makes the admin, agent, organizer and traveler accounts; the second fills the site with demo
            organizers and treks, and prints how they sign in.
          </p>
        </section>
      )}
      {p.data.soonest.length > 0 && (
        <section>
          <h2>Leaving soon</h2>
          <div class="cards">
            {p.data.soonest.map((t) => (
              <TripCardView trip={t} level={3} />
            ))}
          </div>
          <p>
            <a href="/trips">All upcoming treks →</a>
          </p>
        </section>
      )}
      {p.data.categories.length > 0 && (
        <section>
          <h2>Browse by kind of trek</h2>
          <ul>
            {p.data.categories.map((c) => (
              <li>
                <a href={`/trips?category=${c.slug}`}>{CATEGORIES[c.slug]}</a>{' '}
                <span class="muted">({c.count >= 100 ? '100+' : c.count})</span>
              </li>
            ))}
          </ul>
        </section>
      )}
      {!p.signedIn && (
        <p>
          Lead treks? <a href="/register">List your treks on TrekTribe</a>.
        </p>
      )}
    </>
  );
}
