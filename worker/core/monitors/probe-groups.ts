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
  /** The object that holds it now, or null when it has none yet. */
  group: string | null;
}

/**
 * Where each instance belongs: where it is when that still fits (a monitor
 * never moves for nothing: moving hands its memory and samples over), its own
 * object for a heartbeat, otherwise the first shared group of its region with
 * room, in order, or a new one. Returns only the instances that must move.
 */
export function placeInstances(instances: readonly Placement[]): Map<Placement, string> {
  const sizes = new Map<string, number>();
  const fits = (p: Placement) => {
    if (p.group === null) return false;
    const solo = soloObjectName({ id: p.monitorId, kind: p.kind }, p.region);
    if (solo !== null) return p.group === solo;
    return sharedGroup(p.group)?.region === p.region;
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
    let n = 1;
    while ((sizes.get(groupObjectName(p.region, n)) ?? 0) >= GROUP_SIZE) n++;
    const name = groupObjectName(p.region, n);
    sizes.set(name, (sizes.get(name) ?? 0) + 1);
    moves.set(p, name);
  }
  return moves;
}
