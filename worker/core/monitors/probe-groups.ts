import { monitorObjectName } from "./monitor-report.ts";

/**
 * Monitors share Monitor objects ("probe groups"): one object per region
 * checks up to GROUP_SIZE monitors in one alarm, so a check costs a fraction
 * of a Durable Object request, of a `setAlarm` and of a row written
 * (decision 0038). Twenty stays under the free plan's 50 subrequests per
 * invocation with a redirect each, and at 6 connections and a 200 ms answer
 * the last of them starts within a second of the slot.
 *
 * A heartbeat monitor keeps an object to itself, named as before
 * (`monitorId@region`): its job's calls go straight there, and it makes no
 * outbound request to share.
 */
export const GROUP_SIZE = 20;

/** A shared group's object name; ':' never appears in a monitor id, so it cannot clash with a heartbeat's. */
export function groupObjectName(region: string, n: number): string {
  return `group:${n}@${region}`;
}

/** The object name for one instance: its heartbeat object, or null when it belongs in a shared group. */
export function soloObjectName(monitor: { id: string; kind: string }, region: string): string | null {
  return monitor.kind === "heartbeat" ? monitorObjectName(monitor.id, region) : null;
}

function sharedGroup(name: string): { n: number; region: string } | null {
  const match = /^group:(\d+)@(.+)$/.exec(name);
  return match ? { n: Number(match[1]), region: match[2] ?? "" } : null;
}

export interface Placement {
  monitorId: string;
  region: string;
  kind: string;
  intervalSeconds: number;
  /** The object that holds it now, or null when it has none yet. */
  group: string | null;
}

/**
 * Where each instance belongs: where it is when that still fits (a monitor
 * never moves for nothing: moving hands its memory and samples over), its own
 * object for a heartbeat, otherwise the first shared group of its region and
 * interval with room, in order, or a new one. Returns only the instances that
 * must move.
 *
 * One interval per shared group: a run ends when its slowest check does and
 * the next cannot start before, so a 60 s monitor allowed 30 s to answer would
 * make 10 s monitors beside it miss slots while its target hangs (the
 * benchmark's figure 5b). A monitor's timeout is shorter than its interval, so
 * within one interval a hanging target holds up no later run. A group keeps
 * the interval most of its members have (the shorter on a tie); one of
 * another interval moves out.
 */
export function placeInstances(instances: readonly Placement[]): Map<Placement, string> {
  const sizes = new Map<string, number>();
  const intervals = groupIntervals(instances);
  const fits = (p: Placement) => {
    if (p.group === null) return false;
    const solo = soloObjectName({ id: p.monitorId, kind: p.kind }, p.region);
    if (solo !== null) return p.group === solo;
    return sharedGroup(p.group)?.region === p.region && intervals.get(p.group) === p.intervalSeconds;
  };
  const staying = instances.filter(fits);
  for (const p of staying) {
    if (p.group && sharedGroup(p.group)) sizes.set(p.group, (sizes.get(p.group) ?? 0) + 1);
  }
  const moves = new Map<Placement, string>();
  for (const p of instances) {
    if (fits(p)) continue;
    const solo = soloObjectName({ id: p.monitorId, kind: p.kind }, p.region);
    if (solo !== null) {
      moves.set(p, solo);
      continue;
    }
    const open = (name: string) =>
      (sizes.get(name) ?? 0) < GROUP_SIZE && (intervals.get(name) ?? p.intervalSeconds) === p.intervalSeconds;
    let n = 1;
    while (!open(groupObjectName(p.region, n))) n++;
    const name = groupObjectName(p.region, n);
    sizes.set(name, (sizes.get(name) ?? 0) + 1);
    intervals.set(name, p.intervalSeconds);
    moves.set(p, name);
  }
  return moves;
}

/** Each shared group's interval: the one most of its members have now, the shorter on a tie. */
function groupIntervals(instances: readonly Placement[]): Map<string, number> {
  const counts = new Map<string, Map<number, number>>();
  for (const p of instances) {
    if (p.group === null || soloObjectName({ id: p.monitorId, kind: p.kind }, p.region) !== null) continue;
    if (sharedGroup(p.group)?.region !== p.region) continue;
    const byInterval = counts.get(p.group) ?? new Map<number, number>();
    byInterval.set(p.intervalSeconds, (byInterval.get(p.intervalSeconds) ?? 0) + 1);
    counts.set(p.group, byInterval);
  }
  const intervals = new Map<string, number>();
  for (const [group, byInterval] of counts) {
    const [best] = [...byInterval].sort(([a, n], [b, m]) => m - n || a - b);
    if (best) intervals.set(group, best[0]);
  }
  return intervals;
}
