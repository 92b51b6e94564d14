// Server-rendered charts of the statistics page: inline SVG bar charts (nothing to install, no
// script: the CSP stays strict), each with a text alternative (<title> and <desc> named by
// aria-labelledby) and the same numbers in a table under "Show the numbers". Colours come from
// public/style.css (.chart), so they follow the theme.
import type { Translator } from '../../i18n/i18n.ts';

export interface Bar {
  /** Full label: the table and each bar's tooltip. */
  label: string;
  /** Short label under the axis (vertical charts); empty: no tick. */
  tick?: string;
  value: number;
  /** Optional link of the label in the table. */
  href?: string;
}

export interface ChartProps {
  id: string;
  tr: Translator;
  title: string;
  bars: Bar[];
  /** The table's column headers: label, value. */
  columns: [string, string];
  horizontal?: boolean;
  /** false: the page shows the numbers in a table of its own. */
  table?: boolean;
}

/** A round, even upper bound for the axis (its half is a gridline): 2, 4, 6, 8, 10, 12, 16, 20, 30… */
function niceMax(max: number): number {
  if (max <= 10) return Math.max(2, Math.ceil(max / 2) * 2);
  const p = 10 ** Math.floor(Math.log10(max));
  for (const m of [1.2, 1.6, 2, 3, 4, 5, 6, 8, 10]) if (m * p >= max) return Math.round(m * p);
  return 10 * p;
}

function summaryOf(props: ChartProps): string {
  const total = props.bars.reduce((n, b) => n + b.value, 0);
  if (total === 0) return props.tr.t('stats.noEntries');
  const top = props.bars.reduce((a, b) => (b.value > a.value ? b : a));
  return props.tr.t('stats.chartSummary', {
    total: props.tr.number(total),
    label: top.label,
    n: props.tr.number(top.value),
  });
}

function VerticalBars(props: ChartProps & { summary: string }) {
  const { bars, tr } = props;
  const W = 640;
  const H = 220;
  const left = 44;
  const right = 24;
  const top = 10;
  const bottom = 26;
  const plotW = W - left - right;
  const plotH = H - top - bottom;
  const max = niceMax(Math.max(0, ...bars.map((b) => b.value)));
  const step = plotW / Math.max(1, bars.length);
  const barW = Math.max(1, step * 0.72);
  const y = (v: number) => top + plotH - (v / max) * plotH;
  const grid = [0, max / 2, max];
  return (
    <svg
      class="chart-svg"
      viewBox={`0 0 ${W} ${H}`}
      role="img"
      aria-labelledby={`${props.id}-title ${props.id}-desc`}
    >
      <title id={`${props.id}-title`}>{props.title}</title>
      <desc id={`${props.id}-desc`}>{props.summary}</desc>
      {grid.map((g) => (
        <g>
          <line class="grid" x1={left} x2={W - right} y1={y(g)} y2={y(g)} />
          <text class="axis y-tick" x={left - 6} y={y(g) + 4}>
            {tr.number(g)}
          </text>
        </g>
      ))}
      {bars.map((b, i) => {
        const x = left + i * step + (step - barW) / 2;
        const h = (b.value / max) * plotH;
        return (
          <g>
            <rect
              class="bar"
              x={x.toFixed(1)}
              y={(top + plotH - h).toFixed(1)}
              width={barW.toFixed(1)}
              height={h.toFixed(1)}
            >
              <title>{`${b.label}: ${tr.number(b.value)}`}</title>
            </rect>
            {b.tick && (
              <text class="axis x-tick" x={(x + barW / 2).toFixed(1)} y={H - 8}>
                {b.tick}
              </text>
            )}
          </g>
        );
      })}
    </svg>
  );
}

function HorizontalBars(props: ChartProps & { summary: string }) {
  const { bars, tr } = props;
  const W = 640;
  const row = 24;
  const labelW = 200;
  const valueW = 70;
  const H = Math.max(1, bars.length) * row + 4;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const plotW = W - labelW - valueW;
  const clip = (s: string) => (s.length > 28 ? s.slice(0, 27) + '…' : s);
  return (
    <svg
      class="chart-svg"
      viewBox={`0 0 ${W} ${H}`}
      role="img"
      aria-labelledby={`${props.id}-title ${props.id}-desc`}
    >
      <title id={`${props.id}-title`}>{props.title}</title>
      <desc id={`${props.id}-desc`}>{props.summary}</desc>
      {bars.map((b, i) => {
        const w = (b.value / max) * plotW;
        const yy = i * row + 2;
        return (
          <g>
            <text class="axis h-label" x={labelW - 8} y={yy + 16}>
              {clip(b.label)}
            </text>
            <rect class="bar" x={labelW} y={yy + 3} width={Math.max(0, w).toFixed(1)} height={row - 6}>
              <title>{`${b.label}: ${tr.number(b.value)}`}</title>
            </rect>
            <text class="axis h-value" x={(labelW + w + 6).toFixed(1)} y={yy + 16}>
              {tr.number(b.value)}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

/** A chart and its numbers. */
export function BarChart(props: ChartProps) {
  const summary = summaryOf(props);
  return (
    <figure class={`chart${props.horizontal ? ' horizontal' : ''}`} id={props.id}>
      {props.horizontal ? (
        <HorizontalBars {...props} summary={summary} />
      ) : (
        <VerticalBars {...props} summary={summary} />
      )}
      {props.table !== false && (
        <details class="chart-data">
          <summary>{props.tr.t('stats.numbers')}</summary>
          <table class="stats-table">
            <caption class="visually-hidden">{props.title}</caption>
            <thead>
              <tr>
                <th scope="col">{props.columns[0]}</th>
                <th scope="col" class="num">
                  {props.columns[1]}
                </th>
              </tr>
            </thead>
            <tbody>
              {props.bars.map((b) => (
                <tr>
                  <th scope="row">{b.href ? <a href={b.href}>{b.label}</a> : b.label}</th>
                  <td class="num">{props.tr.number(b.value)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
    </figure>
  );
}
