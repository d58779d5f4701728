/**
 * Response times as a server-rendered SVG line: no script, no library. A gap
 * in the data (an hour with no answer) breaks the line instead of bridging it.
 */

interface ChartProps {
  /** Mean ms per hour, oldest first; null where nothing answered. */
  values: (number | null)[];
  label: string;
}

/**
 * The known stretches in a width × height box, with a shared scale: a polyline
 * for each run of two or more hours, a dot for an hour with no neighbour (a
 * zero-length line draws nothing, so a new component's first hour would not show).
 */
function marks(values: (number | null)[], width: number, height: number, max: number) {
  const x = (i: number) => (values.length > 1 ? (i * width) / (values.length - 1) : width / 2);
  const runs: [number, number][][] = [];
  let current: [number, number][] = [];
  values.forEach((value, i) => {
    if (value === null) {
      if (current.length) runs.push(current);
      current = [];
      return;
    }
    current.push([x(i), height - (value / max) * (height - 2) - 1]);
  });
  if (current.length) runs.push(current);
  return runs.map((run) => {
    const [first] = run;
    if (run.length === 1 && first)
      return <circle class="dot" cx={first[0].toFixed(1)} cy={first[1].toFixed(1)} r="1" />;
    return <polyline points={run.map(([px, py]) => `${px.toFixed(1)},${py.toFixed(1)}`).join(" ")} />;
  });
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
      {marks(values, 120, 24, Math.max(stats.max, 1))}
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
        {marks(values, 480, 120, top)}
      </svg>
      <figcaption class="meta">
        {label}. Up to {top} ms; mean {stats.mean} ms, fastest hour {stats.min} ms, slowest hour {stats.max} ms.
      </figcaption>
    </figure>
  );
}
