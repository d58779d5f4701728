/**
 * What an API token may do. A scope covers reading and writing its area;
 * `tokens` is the keys to the kingdom (it can mint any scope), so hand it out
 * as sparingly as the bootstrap token.
 */
export const SCOPES = [
  "read",
  "incidents",
  "maintenances",
  "reports",
  "subscribers",
  "flags",
  "monitors",
  "tokens",
  "audit",
  "alerts",
  "backup",
] as const;
export type Scope = (typeof SCOPES)[number];

export const SCOPE_DESCRIPTIONS: Record<Scope, string> = {
  read: "Read incidents (internal ones too), maintenances, reports, flags, monitors' state and alerts; no secrets, addresses, tokens or audit log. The console's viewer role.",
  incidents: "Declare, update, edit and resolve incidents; read them, internal ones included.",
  maintenances: "Schedule, update, extend and cancel maintenances.",
  reports: "Draft, edit and publish post-incident reports and their follow-up actions.",
  subscribers: "Manage subscribers and webhooks.",
  flags: "Read and set ops flags.",
  monitors: "List monitors, their state per region and heartbeat check-in URLs (which are secrets).",
  tokens: "Create, list and revoke API tokens.",
  audit: "Read the audit log.",
  alerts: "List and acknowledge alerts; list, test and hold on-call channels.",
  backup:
    "Export the page's whole state and import it into an empty page. An export holds every area's data, so it also needs every other scope.",
};

/**
 * Every scope a token must hold for an operation of this scope. An export
 * carries what each scope guards elsewhere (webhook secrets, subscriber
 * addresses, monitor headers, token hashes, the audit log), and an import
 * writes all of it, so a backup needs them all: no scope can be read
 * around through the backup (docs/decisions/0028-backup-scopes-and-public-posts.md).
 */
export function scopesNeeded(scope: Scope): readonly Scope[] {
  return scope === "backup" ? SCOPES : [scope];
}

/**
 * Whether scopes this set allow an operation: every scope it needs, or, for
 * an operation that only reads and reveals no secret (`readable`), `read`.
 */
export function allows(held: readonly Scope[], operation: { scope: Scope; readable?: boolean }): boolean {
  if (operation.readable && held.includes("read")) return true;
  return scopesNeeded(operation.scope).every((needed) => held.includes(needed));
}

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}
