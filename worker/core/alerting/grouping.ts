import type { AlertChannelKind } from "./channels.ts";
import type { NoticeKind } from "./message.ts";

/**
 * How the notices due for one channel become messages (docs/decisions/0035).
 * Most channels take everything due in one message, whose thread is its
 * first notice's alert. PagerDuty and Opsgenie keep their own alerts, keyed
 * by the thread (dedup_key, alias): a trigger message opens a thread for the
 * alerts it lists, and a resolve closes it, so a resolve goes in its alert's
 * thread, and only once no other alert of that thread is still open
 * (resolving it earlier would close the others' page too).
 */

export interface DueNotice {
  /** The outbox row. */
  seq: number;
  alertId: string;
  notice: NoticeKind;
  /** The alert is resolved (a test notice counts as resolved). */
  resolved: boolean;
  /** The thread an earlier trigger to this channel put the alert in, or null. */
  thread: string | null;
  /** Other alerts of that thread that are not resolved yet. */
  othersOpen: boolean;
  /** A trigger or reminder of this alert to this channel is still being sent (not among these notices). */
  triggerWaiting: boolean;
}

export interface PlannedMessage {
  thread: string;
  /** Whether the thread is new: sending it records the thread for each of its alerts. */
  opens: boolean;
  /** Rows in the message, in the order given. */
  seqs: number[];
}

export interface MessagePlan {
  /** Triggers first, then resolves: a resolve in a thread this plan opens goes after the trigger. */
  messages: PlannedMessage[];
  /** Rows settled without a request, with why. */
  skipped: { seq: number; reason: string }[];
  /** Rows that must wait for a trigger still in the outbox. */
  deferred: number[];
}

/** Plans the messages for the notices due on one channel, oldest first. */
export function planMessages(notices: readonly DueNotice[], threaded: boolean): MessagePlan {
  const first = notices[0];
  if (!first) return { messages: [], skipped: [], deferred: [] };
  if (!threaded) {
    // A resolve whose trigger is still being sent waits for it: "recovered" never arrives before "down".
    const deferred = notices.filter((n) => n.notice === "resolve" && n.triggerWaiting).map((n) => n.seq);
    const going = notices.filter((n) => !deferred.includes(n.seq));
    const head = going[0];
    return {
      messages: head ? [{ thread: head.alertId, opens: false, seqs: going.map((n) => n.seq) }] : [],
      skipped: [],
      deferred,
    };
  }
  const triggers = new Map<string, PlannedMessage>();
  const fresh: DueNotice[] = [];
  const resolves: DueNotice[] = [];
  for (const notice of notices) {
    if (notice.notice === "resolve") resolves.push(notice);
    else if (notice.notice === "test")
      triggers.set(`test ${notice.seq}`, { thread: notice.alertId, opens: false, seqs: [notice.seq] });
    else if (notice.thread !== null) addTo(triggers, notice.thread, false, notice.seq);
    else fresh.push(notice);
  }
  // Alerts with no thread yet share a new one, named after the first of them.
  const opened = fresh[0]?.alertId ?? null;
  if (opened !== null) triggers.set(opened, { thread: opened, opens: true, seqs: fresh.map((n) => n.seq) });
  const openedAlerts = new Map(fresh.map((n) => [n.alertId, n]));
  const plan: MessagePlan = { messages: [...triggers.values()], skipped: [], deferred: [] };
  const closing = new Map<string, PlannedMessage>();
  for (const notice of resolves) {
    const inOpened = openedAlerts.has(notice.alertId);
    const thread = notice.thread ?? (inOpened ? opened : null);
    if (thread === null) {
      if (notice.triggerWaiting) plan.deferred.push(notice.seq);
      else plan.skipped.push({ seq: notice.seq, reason: "no trigger about it reached this channel" });
      continue;
    }
    const othersOpen =
      notice.thread !== null
        ? notice.othersOpen
        : [...openedAlerts.values()].some((n) => n.alertId !== notice.alertId && !n.resolved);
    if (othersOpen) {
      plan.skipped.push({
        seq: notice.seq,
        reason: `thread ${thread} has other open alerts: the last one's resolve closes it`,
      });
      continue;
    }
    addTo(closing, thread, false, notice.seq);
  }
  plan.messages.push(...closing.values());
  return plan;
}

function addTo(messages: Map<string, PlannedMessage>, thread: string, opens: boolean, seq: number): void {
  const message = messages.get(thread);
  if (message) message.seqs.push(seq);
  else messages.set(thread, { thread, opens, seqs: [seq] });
}

/**
 * The least time between two messages to one channel, whatever its window
 * (docs/reference/alerting-providers.md): Slack's incoming webhooks take about
 * one message a second, a Telegram bot about one a second per chat, Teams'
 * workflows throttle bursts; Discord says how long with its 429s, PagerDuty
 * and Opsgenie take bursts of events.
 */
export const MIN_SPACING_MS: Record<AlertChannelKind, number> = {
  slack: 1_000,
  telegram: 1_000,
  teams: 1_000,
  discord: 500,
  ntfy: 0,
  pagerduty: 0,
  opsgenie: 0,
  email: 0,
  webhook: 0,
};

/** A Retry-After is honoured up to a day (as outbox/claims.ts does for rows): a channel is never held for good. */
const MAX_RETRY_AFTER_MS = 24 * 3_600_000;

/**
 * When a channel may next be sent to after a message. A delivered message
 * opens the grouping window (what comes in the meantime goes in the next
 * message); a failed one does not (nobody saw it): its notices' own retry
 * times decide. A provider's Retry-After holds the whole channel either way.
 */
export function nextSendAt(
  now: number,
  channel: { kind: AlertChannelKind; groupSeconds: number },
  attempt: { outcome: "sent" | "temporary" | "permanent"; retryAfterMs?: number },
): number {
  const window = attempt.outcome === "sent" ? channel.groupSeconds * 1000 : 0;
  const asked = Math.min(attempt.retryAfterMs ?? 0, MAX_RETRY_AFTER_MS);
  return now + Math.max(window, MIN_SPACING_MS[channel.kind], asked);
}
