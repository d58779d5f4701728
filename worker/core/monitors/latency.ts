/** A stretch of checks as a monitor reported it: when it ended, how many, their mean latency. */
export interface LatencyPoint {
  at: number;
  checks: number;
  meanMs: number | null;
}

/**
 * Mean latency per hour for the `hours` hours ending at `now`, oldest first,
 * weighted by the number of checks; null for an hour with no answer.
 */
export function hourlyMeans(points: readonly LatencyPoint[], now: number, hours: number): (number | null)[] {
  const start = now - hours * 3_600_000;
  const sums = new Array<number>(hours).fill(0);
  const counts = new Array<number>(hours).fill(0);
  for (const point of points) {
    if (point.meanMs === null || point.at <= start || point.at > now) continue;
    const hour = Math.min(hours - 1, Math.floor((point.at - start) / 3_600_000));
    sums[hour] = (sums[hour] ?? 0) + point.meanMs * point.checks;
    counts[hour] = (counts[hour] ?? 0) + point.checks;
  }
  return sums.map((sum, i) => ((counts[i] ?? 0) > 0 ? Math.round(sum / (counts[i] ?? 1)) : null));
}
