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
};

export function noticeOf(code: string | undefined): string | undefined {
  return code && Object.hasOwn(NOTICES, code) ? NOTICES[code] : undefined;
}
