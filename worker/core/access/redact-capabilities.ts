/**
 * The key part of every capability URL in a piece of text, replaced: a
 * subscriber's confirm, manage and unsubscribe links
 * (core/subscribers/links.ts), a heartbeat's URL and an alert's
 * acknowledgement link (core/alerting/ack-link.ts) are usable by whoever
 * holds them, so logs keep whose link it was (the subscriber's, monitor's or
 * alert's id) and never the key. `/subscriptions/<id>/confirm/<expires>/<mac>`,
 * `/subscriptions/<id>/<mac>[/unsubscribe]`, `/heartbeat/<id>/<token>` and
 * `/alerts/<id>/ack/<mac>` become `…/<id>/[…]/[redacted]…`.
 */
const SEGMENT = String.raw`[^/\s"'?#\\<>]+`;
const CAPABILITY = new RegExp(
  `(/(?:subscriptions/${SEGMENT}(?:/confirm/${SEGMENT})?|heartbeat/${SEGMENT}|alerts/${SEGMENT}/ack)/)${SEGMENT}`,
  "g",
);

export const REDACTED = "[redacted]";

export function redactCapabilities(text: string): string {
  return text.replace(CAPABILITY, `$1${REDACTED}`);
}
