/** One bar: its label (a week, a month), its value and the value as people read it. */
export interface Bar {
  label: string;
  value: number;
  text: string;
}

/** Drawn at this size, in CSS pixels: it fits a 360 px phone's content column whole, with 12 px text. */
const WIDTH = 320;
const ROW = 24;
const LABEL_W = 60;
const VALUE_W = 84;
const BAR_MAX = WIDTH - LABEL_W - VALUE_W - 8;

/**
 * A horizontal bar chart drawn on the server: one row per bar, its label on the left and its
 * value written on the right, so it reads on a phone without hovering. Presentation attributes
 * only (no inline style: the CSP forbids it). Screen readers get the figures as a table.
 */
export function BarChart(p: {
  id: string;
  /** What the bars measure, e.g. "Net earnings per week". */
  title: string;
  bars: Bar[];
  /** Column headings of the table version: the label's and the value's. */
  columns: [string, string];
}) {
  const max = Math.max(0, ...p.bars.map((b) => b.value));
  const height = p.bars.length * ROW;
  const total = p.bars.reduce((n, b) => n + b.value, 0);
  return (
    <figure id={p.id}>
      <svg
        width={WIDTH}
        height={height}
        viewBox={`0 0 ${WIDTH} ${height}`}
        role="img"
        aria-labelledby={`${p.id}-title`}
        font-size="12"
        fill="currentColor"
      >
        <title id={`${p.id}-title`}>{p.title}</title>
        {p.bars.map((b, i) => {
          const y = i * ROW;
          const w = max > 0 && b.value > 0 ? Math.max(2, Math.round((b.value / max) * BAR_MAX)) : 0;
          return (
            <g>
              <text x="0" y={y + 16}>
                {b.label}
              </text>
              <rect x={LABEL_W} y={y + 5} width={w} height={ROW - 10} rx="2" fill="#0172ad" />
              <text x={WIDTH} y={y + 16} text-anchor="end">
                {b.text}
              </text>
            </g>
          );
        })}
      </svg>
      <details>
        <summary>{total === 0 ? 'Figures as a table (all zero)' : 'Figures as a table'}</summary>
        <table>
          <caption>{p.title}</caption>
          <thead>
            <tr>
              <th scope="col">{p.columns[0]}</th>
              <th scope="col">{p.columns[1]}</th>
            </tr>
          </thead>
          <tbody>
            {p.bars.map((b) => (
              <tr>
                <th scope="row">{b.label}</th>
                <td>{b.text}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
