/**
 * Response times as a server-rendered SVG line: no script, no library. A gap
 * in the data (an hour with no answer) breaks the line instead of bridging it.
 */

interface ChartProps {
  /** Mean ms per hour, oldest first; null where nothing answered. */
  values: (number | null)[];
  label: string;
}

/** Polylines of the known stretches, in a width × height box, with a shared scale. */
function lines(values: (number | null)[], width: number, height: number, max: number): string[] {
  const step = values.length > 1 ? width / (values.length - 1) : width;
  const runs: string[] = [];
  let current: string[] = [];
  values.forEach((value, i) => {
    if (value === null) {
      if (current.length) runs.push(current.join(" "));
      current = [];
      return;
    }
    const y = height - (value / max) * (height - 2) - 1;
    current.push(`${(i * step).toFixed(1)},${y.toFixed(1)}`);
  });
  if (current.length) runs.push(current.join(" "));
  // A single point would draw nothing: give it a tiny stroke so it shows.
  return runs.map((run) => (run.includes(" ") ? run : `${run} ${run}`));
}

function summary(values: (number | null)[]): { min: number; max: number; mean: number } | null {
  const known = values.filter((v): v is number => v !== null);
  if (known.length === 0) return null;
  return {
    min: Math.min(...known),
    max: Math.max(...known),
    mean: Math.round(known.reduce((a, b) => a + b, 0) / known.length),
  };
}

/** A small line for the front page. */
export function LatencySparkline({ values, label }: ChartProps) {
  const stats = summary(values);
  if (!stats) return null;
  return (
    <svg
      class="sparkline"
      viewBox="0 0 120 24"
      preserveAspectRatio="none"
      role="img"
      aria-label={`${label}: ${stats.mean} ms on average, ${stats.min}–${stats.max} ms`}
    >
      {lines(values, 120, 24, Math.max(stats.max, 1)).map((points) => (
        <polyline points={points} />
      ))}
    </svg>
  );
}

/** A labelled chart for a component page. */
export function LatencyChart({ values, label }: ChartProps) {
  const stats = summary(values);
  if (!stats) return <p class="meta">No response times recorded yet.</p>;
  const top = Math.max(10, Math.ceil((stats.max * 1.1) / 10) * 10);
  return (
    <figure class="latency-chart">
      <svg
        viewBox="0 0 480 120"
        preserveAspectRatio="none"
        role="img"
        aria-label={`${label}: ${stats.mean} ms on average, ${stats.min}–${stats.max} ms`}
      >
        <line class="axis" x1="0" y1="119" x2="480" y2="119" />
        {lines(values, 480, 120, top).map((points) => (
          <polyline points={points} />
        ))}
      </svg>
      <figcaption class="meta">
        {label}. Up to {top} ms; mean {stats.mean} ms, fastest hour {stats.min} ms, slowest hour {stats.max} ms.
      </figcaption>
    </figure>
  );
}
