import type { AlertSeverity } from "./alert.ts";
import type { AlertNotice, NoticeKind } from "./message.ts";

/**
 * One severity scale (PagerDuty's, alert.ts) mapped once to every channel's
 * own: ntfy's priorities 1–5, Opsgenie's P1–P5, a colour for chat cards.
 * docs/reference/alerting-providers.md lists each provider's scale.
 */
export interface SeverityLook {
  /** ntfy `Priority`: 5 max/urgent … 1 min. */
  ntfy: 1 | 2 | 3 | 4 | 5;
  /** Opsgenie `priority`. */
  opsgenie: "P1" | "P2" | "P3" | "P4" | "P5";
  /** #rrggbb, for Discord's embed colour and the mail's accent. */
  colour: string;
  /** Adaptive Card TextBlock colour. */
  teams: "attention" | "warning" | "accent" | "good" | "default";
  /** Shown before a notice in text channels. */
  emoji: string;
  word: string;
}

export const SEVERITY_LOOKS: Record<AlertSeverity, SeverityLook> = {
  critical: { ntfy: 5, opsgenie: "P1", colour: "#d1242f", teams: "attention", emoji: "🔴", word: "Critical" },
  error: { ntfy: 4, opsgenie: "P2", colour: "#e16f24", teams: "attention", emoji: "🟠", word: "Error" },
  warning: { ntfy: 3, opsgenie: "P3", colour: "#d4a72c", teams: "warning", emoji: "🟡", word: "Warning" },
  info: { ntfy: 2, opsgenie: "P4", colour: "#0969da", teams: "accent", emoji: "🔵", word: "Info" },
};

/** A resolve is good news whatever the alert's severity; a test pages nobody. */
const RESOLVED: SeverityLook = {
  ntfy: 3,
  opsgenie: "P5",
  colour: "#1a7f37",
  teams: "good",
  emoji: "✅",
  word: "Resolved",
};
const TEST: SeverityLook = { ntfy: 2, opsgenie: "P5", colour: "#6e7781", teams: "default", emoji: "🧪", word: "Test" };

const RANK: Record<AlertSeverity, number> = { critical: 0, error: 1, warning: 2, info: 3 };
const NOTICE_RANK: Record<NoticeKind, number> = { trigger: 0, reminder: 1, resolve: 2, test: 3 };

/** How one notice looks: by its severity while it fires, green once it resolves, grey for a test. */
export function lookOf(notice: Pick<AlertNotice, "notice" | "severity">): SeverityLook {
  if (notice.notice === "resolve") return RESOLVED;
  if (notice.notice === "test") return TEST;
  return SEVERITY_LOOKS[notice.severity];
}

/** What a notice is, in one word or two: "Critical", "Reminder · Error", "Resolved", "Test". */
export function noticeLabel(notice: Pick<AlertNotice, "notice" | "severity">): string {
  const look = lookOf(notice);
  return notice.notice === "reminder" ? `Reminder · ${look.word}` : look.word;
}

/**
 * The notices of a grouped message in the order they are shown: what still
 * fires first, worst severity first, then recoveries, then tests; oldest
 * first within each (the order the message gave them in).
 */
export function worstFirst(notices: readonly AlertNotice[]): AlertNotice[] {
  return notices
    .map((notice, index) => ({ notice, index }))
    .sort(
      (a, b) =>
        firing(a.notice) - firing(b.notice) ||
        (firing(a.notice) === 0 ? RANK[a.notice.severity] - RANK[b.notice.severity] : 0) ||
        NOTICE_RANK[a.notice.notice] - NOTICE_RANK[b.notice.notice] ||
        a.index - b.index,
    )
    .map((entry) => entry.notice);
}

function firing(notice: AlertNotice): number {
  return notice.notice === "trigger" || notice.notice === "reminder" ? 0 : 1;
}

/** The look of a whole message: its worst firing notice, else resolved, else test. */
export function messageLook(notices: readonly AlertNotice[]): SeverityLook {
  const first = worstFirst(notices)[0];
  return first ? lookOf(first) : TEST;
}

/** The worst severity among notices that still fire; null when none does (all resolves or tests). */
export function worstFiringSeverity(notices: readonly AlertNotice[]): AlertSeverity | null {
  const first = worstFirst(notices)[0];
  return first && firing(first) === 0 ? first.severity : null;
}
