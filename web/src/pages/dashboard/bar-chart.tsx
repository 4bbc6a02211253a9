/**
 * Requests per day as a small stacked SVG bar chart (successes below, failures on top), hand-written: one
 * chart does not justify a chart library. Each bar has a <title> tooltip; the whole chart has a text summary.
 */
import { formatDate } from '../../lib/format';

export interface DayBar {
  date: string;
  success: number;
  fail: number;
}

/** A "nice" top for the y axis: 1, 2 or 5 × 10ⁿ at or above the maximum (at least 1). */
export function niceMax(max: number): number {
  if (max <= 1) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 5, 10]) if (step * power >= max) return step * power;
  return 10 * power;
}

export function BarChart({ days, height = 180 }: { days: readonly DayBar[]; height?: number }) {
  const width = 640;
  const pad = { top: 8, right: 8, bottom: 22, left: 36 };
  const innerW = width - pad.left - pad.right;
  const innerH = height - pad.top - pad.bottom;
  const top = niceMax(Math.max(0, ...days.map((d) => d.success + d.fail)));
  const slot = innerW / Math.max(days.length, 1);
  const barW = Math.max(2, Math.min(32, slot * 0.7));
  const y = (v: number) => pad.top + innerH - (v / top) * innerH;
  const total = days.reduce((n, d) => n + d.success + d.fail, 0);
  const labelEvery = Math.ceil(days.length / 7);

  return (
    <svg
      viewBox={`0 0 ${width} ${height}`}
      className="h-auto w-full"
      role="img"
      aria-label={`Requests per day over ${days.length} days: ${total} in total`}
    >
      {(top >= 2 ? [0, 0.5, 1] : [0, 1]).map((f) => (
        <g key={f}>
          <line x1={pad.left} x2={width - pad.right} y1={y(top * f)} y2={y(top * f)} className="stroke-border" strokeDasharray={f ? '3 3' : undefined} />
          <text x={pad.left - 6} y={y(top * f) + 4} textAnchor="end" className="fill-muted-foreground text-[10px]">
            {Math.round(top * f)}
          </text>
        </g>
      ))}
      {days.map((d, i) => {
        const x = pad.left + i * slot + (slot - barW) / 2;
        const okTop = y(d.success);
        const failTop = y(d.success + d.fail);
        return (
          <g key={d.date} data-testid="day-bar">
            <title>{`${formatDate(d.date)}: ${d.success + d.fail} requests, ${d.fail} failed`}</title>
            <rect x={x} y={okTop} width={barW} height={pad.top + innerH - okTop} rx={2} className="fill-chart" />
            {d.fail > 0 && <rect x={x} y={failTop} width={barW} height={okTop - failTop} rx={2} className="fill-destructive" />}
            {i % labelEvery === 0 && (
              <text x={x + barW / 2} y={height - 6} textAnchor="middle" className="fill-muted-foreground text-[10px]">
                {d.date.slice(5)}
              </text>
            )}
          </g>
        );
      })}
    </svg>
  );
}
