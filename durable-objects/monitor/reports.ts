import type { StoredSample } from "../../worker/core/monitors/handover.ts";
import type { MonitorReport } from "../../worker/core/monitors/monitor-report.ts";
import { type DailyRollup, rollUpDay } from "../../worker/core/monitors/rollup.ts";
import { initialMemory, type Transition } from "../../worker/core/monitors/state-machine.ts";
import { DAY_MS, startOfUtcDay } from "../../worker/core/uptime.ts";
import type { Member } from "./members.ts";
import { handedOverBetween, samplesBetween } from "./runs.ts";

/** Samples of (from, to] by monitor, from the group's runs (due after `runsAfter`) and any handed-over set. */
export function samplesOf(
  sql: SqlStorage,
  from: number,
  to: number,
  runsAfter: number = from,
): Map<string, StoredSample[]> {
  const samples = samplesBetween(sql, from, to, runsAfter);
  for (const [monitorId, earlier] of handedOverBetween(sql, from, to)) {
    // A monitor back after a move away: its old samples are both in `runs` and in what was handed back. Once each.
    const byTime = new Map([...earlier, ...(samples.get(monitorId) ?? [])].map((s) => [s.at, s]));
    samples.set(
      monitorId,
      [...byTime.values()].sort((a, b) => a.at - b.at),
    );
  }
  return samples;
}

/** How long after its slot a run's checks may start (a late alarm, the slow lane), for day boundaries. */
const LATE_RUN_MS = 3_600_000;

/** Roll-ups of every finished UTC day in [fromDay, today) for the given members, from what is stored. */
export function rollUp(
  sql: SqlStorage,
  members: readonly Member[],
  fromDay: number,
  now: number,
): Map<string, DailyRollup[]> {
  const today = startOfUtcDay(now);
  const out = new Map<string, DailyRollup[]>();
  // Samples go back 48 h: older days were rolled up by whoever held them then.
  for (let day = Math.max(fromDay, today - 2 * DAY_MS); day < today; day += DAY_MS) {
    // A run due shortly before midnight whose alarm came late checked on this day.
    const byMonitor = samplesOf(sql, day - 1, day + DAY_MS - 1, day - 1 - LATE_RUN_MS);
    for (const member of members) {
      const samples = byMonitor.get(member.monitorId);
      if (!samples || samples.length === 0) continue;
      const rollup = rollUpDay(new Date(day).toISOString().slice(0, 10), samples, member.config.intervalSeconds * 1000);
      out.set(member.monitorId, [...(out.get(member.monitorId) ?? []), rollup]);
    }
  }
  return out;
}

export interface RunNews {
  transition: Transition | null;
  rollups: DailyRollup[];
  /** A statuspage monitor's provider says something new (reported at once, decision 0040). */
  provider?: boolean;
}

/**
 * The report of one member after a run. A full report (every few minutes)
 * carries its latency since the last full one; a report sent early for a
 * change carries none, so no check is counted twice. A report the StatusPage
 * did not take is carried in.
 */
export function memberReport(
  member: Member,
  at: number,
  news: RunNews,
  latency: { from: number; samples: readonly StoredSample[] } | null,
): MonitorReport | null {
  const observation = member.config.kind === "statuspage" ? member.provider?.observation : undefined;
  // A provider's page never read yet has no state, but "unavailable since" is news the page must show.
  const memory = member.memory ?? (observation ? initialMemory(observation.unavailableSince ?? at) : null);
  if (!memory) return null;
  const unsent = member.unsent;
  const transition = news.transition;
  const answered = latency?.samples.filter((s) => s.outcome !== "down") ?? [];
  return {
    monitorId: member.monitorId,
    region: member.region,
    at,
    state: memory.state,
    since: memory.since,
    transition:
      (transition && {
        from: transition.from,
        to: transition.to,
        at: transition.at,
        summary: transition.result.summary,
        firstFailure: transition.firstFailure && {
          at: transition.firstFailure.at,
          summary: transition.firstFailure.summary,
        },
      }) ??
      unsent?.transition ??
      null,
    latency: latency && {
      from: latency.from,
      to: at,
      checks: latency.samples.length,
      failures: latency.samples.length - answered.length,
      meanMs:
        answered.length === 0 ? null : Math.round(answered.reduce((sum, s) => sum + s.latencyMs, 0) / answered.length),
    },
    rollups: [...(unsent?.rollups ?? []), ...news.rollups],
    ...(observation ? { provider: observation } : {}),
  };
}
