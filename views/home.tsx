export interface HomeProps {
  signedIn: boolean;
}

/** The front page. The trips issue fills it with upcoming departures and categories. */
export function HomePage(p: HomeProps) {
  return (
    <>
      <hgroup>
        <h1>Find your next trek</h1>
        <p>Small groups, real organizers, honest prices — in the Himalaya, the Western Ghats and beyond.</p>
      </hgroup>
      <form method="get" action="/trips" role="search">
        <input type="search" name="q" placeholder="Where do you want to go?" aria-label="Search treks" inputmode="search" />
        <button type="submit">Search</button>
      </form>
      {!p.signedIn && (
        <p>
          Lead treks? <a href="/register">List your treks on TrekTribe</a>.
        </p>
      )}
    </>
  );
}
