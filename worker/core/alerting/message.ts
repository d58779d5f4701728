import type { AlertKind, AlertSeverity } from "./alert.ts";

/**
 * One message to one channel: the contract between the alert delivery job
 * (which groups due notices per channel) and each provider's renderer
 * (providers/, pure: message in, HTTP request out).
 */

/** Why a notice is sent about an alert. */
export type NoticeKind =
  /** The alert opened (or reached this channel's escalation step). */
  | "trigger"
  /** Still unacknowledged: a reminder. */
  | "reminder"
  /** It recovered: sent to every channel that was alerted. */
  | "resolve"
  /** `POST /api/v1/alert-channels/:id/test`: proves the channel works; pages nobody. */
  | "test";

export interface AlertNotice {
  alertId: string;
  notice: NoticeKind;
  kind: AlertKind | "test";
  severity: AlertSeverity;
  /** "REST API is down", "Lookout suspects its own connectivity". */
  title: string;
  /** The error in words. */
  summary: string;
  components: { id: string; name: string }[];
  regions: string[];
  /** ISO times. */
  openedAt: string;
  firstFailingCheckAt: string | null;
  resolvedAt: string | null;
  /** Absolute URLs: the component page, the incident (when public), the signed acknowledgement link. */
  links: { componentPage: string | null; incident: string | null; acknowledge: string | null };
}

export interface AlertMessage {
  channelId: string;
  /**
   * The message's own id (the generic webhook's webhook-id, an email's
   * Message-ID): its channel and first outbox row, so a retry of the same
   * rows carries the same id and two different messages never do.
   */
  id: string;
  /** The page's name and public URL, for the header and footer. */
  page: { name: string; url: string };
  /** Oldest first; more than one when notices were grouped. Never empty. */
  notices: AlertNotice[];
  /**
   * The key that ties a trigger to its resolve in tools that keep their own
   * alerts (PagerDuty's dedup_key, Opsgenie's alias): the same for every
   * message about the same thread of notices.
   */
  thread: string;
}

/** The HTTP request a renderer produces; the sender adds nothing but a timeout. */
export interface ChannelRequest {
  url: string;
  method: "POST";
  headers: Record<string, string>;
  body: string;
  /**
   * The secret values this request carries (webhook URL, token, key): the
   * sender removes them from any reason it reports, should a provider echo one.
   */
  redact?: string[];
}
