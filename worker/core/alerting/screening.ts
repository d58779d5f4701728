import type { AlertStatus } from "./alert.ts";
import type { NoticeKind } from "./message.ts";

/**
 * Which of the notices claimed for one channel are still worth sending when
 * they can leave (docs/decisions/0035). A notice may wait long after it was
 * queued: retried after a 5xx, held, the flag off, the grouping window. By
 * then the alert may be acknowledged (someone is on it: paging again is
 * noise) or resolved (a "down" after the fact is wrong). And escalation may
 * have queued several reminders of the same alert meanwhile: a message names
 * each alert once.
 */

export interface ClaimedNotice {
  seq: number;
  /** The alert's id (a test notice's own key). */
  alertId: string;
  notice: NoticeKind;
  /** The alert's status now; null for a test. */
  status: AlertStatus | null;
  /** A trigger or reminder of this alert was delivered to this channel, or is being sent by another run. */
  reached: boolean;
}

export interface Screened {
  /** Rows to send, in the order given: each alert's latest notice, at its place. */
  kept: number[];
  /** Per kept row, the earlier rows of the same alert it repeats: they are settled with its message. */
  superseded: Map<number, number[]>;
  /** Rows settled without a request, with why. */
  dropped: { seq: number; reason: string }[];
  /** Resolved alerts: any trigger or reminder of them still waiting for this channel is dropped too. */
  resolved: string[];
}

export const ACKNOWLEDGED = "the alert was acknowledged before this went out";
export const RESOLVED = "the alert resolved before this went out";
/**
 * A resolve whose alert never reached the channel: its trigger is dropped
 * (RESOLVED), so "recovered" alone would tell of an alert nobody there saw.
 */
export const NEVER_REACHED = "no trigger about it reached this channel: it resolved before one went out";

/** Screens the notices claimed for one channel, oldest first. */
export function screenNotices(notices: readonly ClaimedNotice[]): Screened {
  const out: Screened = { kept: [], superseded: new Map(), dropped: [], resolved: [] };
  const firing = new Map<string, number[]>();
  for (const n of notices) {
    if (n.notice === "test") continue;
    if (n.notice === "resolve") {
      out.resolved.push(n.alertId);
      if (!n.reached) out.dropped.push({ seq: n.seq, reason: NEVER_REACHED });
    } else if (n.status === "acknowledged") out.dropped.push({ seq: n.seq, reason: ACKNOWLEDGED });
    else if (n.status === "resolved") out.dropped.push({ seq: n.seq, reason: RESOLVED });
    else firing.set(n.alertId, [...(firing.get(n.alertId) ?? []), n.seq]);
  }
  const dropped = new Set(out.dropped.map((d) => d.seq));
  for (const n of notices) {
    if (dropped.has(n.seq)) continue;
    const same = n.notice === "trigger" || n.notice === "reminder" ? (firing.get(n.alertId) ?? []) : [n.seq];
    const latest = same[same.length - 1];
    if (latest !== n.seq) continue;
    out.kept.push(n.seq);
    if (same.length > 1) out.superseded.set(n.seq, same.slice(0, -1));
  }
  return out;
}
