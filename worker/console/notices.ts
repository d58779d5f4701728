/**
 * What a form did, said once at the top of the page it leads to. The
 * address carries a code, never the words: a link made elsewhere cannot put
 * its own text in the console's mouth.
 */
export const NOTICES: Record<string, string> = {
  "signed-out": "You are signed out.",
  "incident-declared": "Incident declared.",
  // The post-incident report (routes/report.tsx).
  "report-saved": "Report saved.",
  "report-published": "Report published: it is on the incident's page and in the feeds.",
  // Maintenances (routes/maintenances.tsx).
  "maintenance-scheduled": "Maintenance scheduled.",
  "maintenance-moved": "Maintenance window moved.",
  "maintenance-updated": "Update posted.",
  "maintenance-cancelled": "Maintenance cancelled.",
  // The incident room (routes/incident-room.tsx).
  "update-posted": "Update posted.",
  "incident-resolved": "Incident resolved.",
  "note-added": "Note added to the internal timeline.",
  "roles-saved": "Roles saved.",
  "incident-edited": "Incident details saved.",
  // Operator pages (flags, tokens, alerts, webhooks, subscribers).
  "flag-set": "Flag set. It takes effect within seconds.",
  "flag-default": "Flag returned to its default.",
  "token-revoked": "Token revoked. Whoever held it has lost access.",
  "token-gone": "That token is already revoked, or was never here.",
  "alert-acked": "Alert acknowledged: its escalation has stopped.",
  "channel-tested": "Test notice queued. The channel's health shows how it went.",
  "channel-held": "Channel held: its notices wait until the hold is lifted.",
  "channel-lifted": "Hold lifted.",
  "webhook-tested": "Test delivery queued. The endpoint's health shows how it went.",
  "webhook-held": "Endpoint held: its deliveries wait until the hold is lifted.",
  "webhook-lifted": "Hold lifted.",
  "webhook-enabled": "Endpoint enabled again; its failure record is cleared.",
  "webhook-deleted": "Endpoint deleted.",
  "subscriber-removed": "Subscriber removed: the address is erased and its waiting mail dropped.",
  "domain-held": "Domain held: mail to it waits until the hold is lifted.",
  "domain-lifted": "Hold lifted.",
  "domain-not-held": "That domain was not held: lifted already, or never held.",
};

export function noticeOf(code: string | undefined): string | undefined {
  return code && Object.hasOwn(NOTICES, code) ? NOTICES[code] : undefined;
}
