/**
 * The key part of every capability URL in a piece of text, replaced: a
 * subscriber's confirm, manage and unsubscribe links
 * (core/subscribers/links.ts) and a heartbeat's URL are usable by whoever
 * holds them, so logs keep whose link it was (the subscriber's or monitor's
 * id) and never the key. `/subscriptions/<id>/confirm/<expires>/<mac>`,
 * `/subscriptions/<id>/<mac>[/unsubscribe]` and `/heartbeat/<id>/<token>`
 * become `…/<id>/[…]/[redacted]…`.
 */
const SEGMENT = String.raw`[^/\s"'?#\\<>]+`;
const CAPABILITY = new RegExp(
  `(/(?:subscriptions/${SEGMENT}(?:/confirm/${SEGMENT})?|heartbeat/${SEGMENT})/)${SEGMENT}`,
  "g",
);

export const REDACTED = "[redacted]";

export function redactCapabilities(text: string): string {
  return text.replace(CAPABILITY, `$1${REDACTED}`);
}
