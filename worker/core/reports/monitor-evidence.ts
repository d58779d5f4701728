import type { MonitorState } from "../monitors/state-machine.ts";
import { escapeInline } from "./markdown-escape.ts";

/** One change of state a monitor reported, as the StatusPage object recorded it. */
export interface MonitorObservation {
  monitorName: string;
  region: string;
  at: number;
  from: MonitorState;
  to: MonitorState;
  summary: string;
  /** On a change to down: the first failing check of the run that led to it. */
  firstFailure: { at: number; summary: string } | null;
}

const STATE_WORDS: Record<MonitorState, string> = {
  unknown: "starting",
  up: "passing",
  degraded: "slow",
  down: "failing",
};

export const NOTHING_OBSERVED =
  "The monitors saw nothing during the incident: no check of the affected components changed state between its " +
  "start and its end.";

/**
 * "Probe evidence": only what the monitors saw within [from, to] — first
 * failing checks and changes of state with their summaries — never a status a
 * person set. Says so when they saw nothing.
 */
export function probeEvidence(
  observations: readonly MonitorObservation[],
  from: number,
  to: number,
  stamp: (ms: number) => string,
): string {
  const within = (at: number) => at >= from && at <= to;
  const lines: { at: number; text: string }[] = [];
  for (const o of observations) {
    const who = escapeInline(o.region === "default" ? o.monitorName : `${o.monitorName} from ${o.region}`);
    const first = o.to === "down" ? o.firstFailure : null;
    if (first && first.at < o.at && within(first.at)) {
      lines.push({ at: first.at, text: `${who}: first failing check, ${escapeInline(first.summary)}` });
    }
    if (within(o.at)) {
      const change = `${STATE_WORDS[o.from]} → ${STATE_WORDS[o.to]}`;
      lines.push({ at: o.at, text: `${who}: ${change}, ${escapeInline(o.summary)}` });
    }
  }
  lines.sort((a, b) => a.at - b.at);
  const body = lines.length ? lines.map((l) => `- ${stamp(l.at)} ${l.text}`).join("\n") : NOTHING_OBSERVED;
  return `#### Probe evidence\n\n${body}`;
}
