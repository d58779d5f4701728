import { runMigrations } from "../shared/sql.ts";

export { readMeta, writeMeta } from "../shared/sql.ts";

/**
 * The StatusPage object's tables, as an append-only list of migrations. Each
 * runs once, in order, inside one transaction with the bump of
 * `meta.schema_version`, so an object restarted mid-migration simply runs it
 * again. Never edit a shipped migration: add the next one.
 */
export const MIGRATIONS: readonly (readonly string[])[] = [
  // 1: components, their status history, incidents and maintenances.
  [
    `CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
    `CREATE TABLE groups (
       id TEXT PRIMARY KEY, name TEXT NOT NULL, description TEXT, position INTEGER NOT NULL,
       created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, removed_at INTEGER)`,
    `CREATE TABLE components (
       id TEXT PRIMARY KEY, name TEXT NOT NULL, description TEXT, group_id TEXT,
       position INTEGER NOT NULL, status TEXT NOT NULL DEFAULT 'operational',
       only_show_if_degraded INTEGER NOT NULL DEFAULT 0, start_date TEXT,
       created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, removed_at INTEGER)`,
    `CREATE TABLE component_status_history (
       seq INTEGER PRIMARY KEY AUTOINCREMENT, component_id TEXT NOT NULL,
       status TEXT NOT NULL, at INTEGER NOT NULL)`,
    `CREATE INDEX component_status_history_by_component ON component_status_history (component_id, at)`,
    `CREATE TABLE incidents (
       id TEXT PRIMARY KEY, kind TEXT NOT NULL CHECK (kind IN ('incident', 'maintenance')),
       name TEXT NOT NULL, status TEXT NOT NULL, impact TEXT NOT NULL,
       visibility TEXT NOT NULL DEFAULT 'public' CHECK (visibility IN ('public', 'internal')),
       created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, started_at INTEGER NOT NULL,
       monitoring_at INTEGER, resolved_at INTEGER, scheduled_for INTEGER, scheduled_until INTEGER)`,
    `CREATE INDEX incidents_by_kind_and_time ON incidents (kind, visibility, created_at)`,
    `CREATE INDEX incidents_by_status ON incidents (kind, status)`,
    `CREATE TABLE incident_components (
       incident_id TEXT NOT NULL, component_id TEXT NOT NULL, PRIMARY KEY (incident_id, component_id))`,
    `CREATE TABLE incident_updates (
       id TEXT PRIMARY KEY, incident_id TEXT NOT NULL, status TEXT NOT NULL, body TEXT NOT NULL,
       created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, display_at INTEGER NOT NULL,
       affected_components TEXT, deliver_notifications INTEGER NOT NULL DEFAULT 1)`,
    `CREATE INDEX incident_updates_by_incident ON incident_updates (incident_id, created_at)`,
  ],
  // 2: the read model's queries stay bounded however long the history grows:
  // open incidents by status, maintenances by their window.
  [
    `CREATE INDEX incidents_by_visibility_and_status ON incidents (kind, visibility, status, created_at)`,
    `CREATE INDEX incidents_by_schedule ON incidents (kind, visibility, scheduled_for)`,
    `DROP INDEX incidents_by_status`,
  ],
  // 3: monitors as the config declares them, their per-region state as the
  // Monitor objects report it, recent latency and daily roll-ups.
  [
    `CREATE TABLE monitors (
       id TEXT PRIMARY KEY, config TEXT NOT NULL, fingerprint TEXT NOT NULL, quorum INTEGER NOT NULL,
       down_status TEXT NOT NULL, interval_seconds INTEGER NOT NULL, removed_at INTEGER)`,
    `CREATE TABLE monitor_components (
       monitor_id TEXT NOT NULL, component_id TEXT NOT NULL, PRIMARY KEY (monitor_id, component_id))`,
    `CREATE INDEX monitor_components_by_component ON monitor_components (component_id)`,
    `CREATE TABLE monitor_instances (
       monitor_id TEXT NOT NULL, region TEXT NOT NULL, started_fingerprint TEXT, kicked_at INTEGER,
       state TEXT NOT NULL DEFAULT 'unknown', since INTEGER, last_report_at INTEGER, last_summary TEXT,
       removed_at INTEGER, stopped_at INTEGER, PRIMARY KEY (monitor_id, region))`,
    // Response times per component and hour (sums, so a report adds in place): what the
    // sparklines and charts read, a few dozen rows per component however many monitors.
    `CREATE TABLE latency_hourly (
       component_id TEXT NOT NULL, hour INTEGER NOT NULL, checks INTEGER NOT NULL, total_ms INTEGER NOT NULL,
       PRIMARY KEY (component_id, hour))`,
    `CREATE TABLE monitor_daily (
       monitor_id TEXT NOT NULL, region TEXT NOT NULL, day TEXT NOT NULL, checks INTEGER NOT NULL,
       down_checks INTEGER NOT NULL, degraded_checks INTEGER NOT NULL, down_seconds INTEGER NOT NULL,
       mean_latency_ms INTEGER, p95_latency_ms INTEGER, PRIMARY KEY (monitor_id, region, day))`,
    // The config's monitors must be reconciled into the new tables even if the config did not change.
    `DELETE FROM meta WHERE key = 'config_fingerprint'`,
  ],
  // 4: incidents Lookout opened by itself: which monitor manages one (until a
  // person posts to it) and when its target recovered.
  [
    `ALTER TABLE incidents ADD COLUMN managed_by_monitor TEXT`,
    `ALTER TABLE incidents ADD COLUMN recovered_at INTEGER`,
    `CREATE INDEX incidents_by_manager ON incidents (managed_by_monitor) WHERE managed_by_monitor IS NOT NULL`,
    // Canaries check Lookout's own connectivity rather than a component.
    `ALTER TABLE monitors ADD COLUMN role TEXT NOT NULL DEFAULT 'service'`,
  ],
  // 5: the communicator API. Incident roles, the times a report needs and a
  // revision for If-Match; post-incident reports and their follow-up actions;
  // API tokens (hashes only), idempotency keys, the audit log, ops flag
  // overrides; history by month reads an index on when events started.
  [
    `ALTER TABLE incidents ADD COLUMN identified_at INTEGER`,
    `ALTER TABLE incidents ADD COLUMN lead TEXT`,
    `ALTER TABLE incidents ADD COLUMN communicator TEXT`,
    `ALTER TABLE incidents ADD COLUMN cancelled_at INTEGER`,
    `ALTER TABLE incidents ADD COLUMN revision INTEGER NOT NULL DEFAULT 1`,
    `CREATE INDEX incidents_by_start ON incidents (visibility, started_at)`,
    `CREATE TABLE reports (
       incident_id TEXT PRIMARY KEY, summary TEXT NOT NULL, who_was_affected TEXT NOT NULL,
       what_happened TEXT NOT NULL, prevention TEXT NOT NULL, published_at INTEGER,
       created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL)`,
    `CREATE TABLE follow_up_actions (
       incident_id TEXT NOT NULL, position INTEGER NOT NULL, title TEXT NOT NULL, owner TEXT,
       url TEXT, done INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (incident_id, position))`,
    `CREATE TABLE api_tokens (
       id TEXT PRIMARY KEY, name TEXT NOT NULL, hash TEXT NOT NULL UNIQUE, scopes TEXT NOT NULL,
       created_at INTEGER NOT NULL, created_by TEXT NOT NULL, last_used_at INTEGER, revoked_at INTEGER)`,
    `CREATE TABLE idempotency_keys (
       actor TEXT NOT NULL, key TEXT NOT NULL, request_hash TEXT NOT NULL, status INTEGER NOT NULL,
       body TEXT NOT NULL, etag TEXT, created_at INTEGER NOT NULL, PRIMARY KEY (actor, key))`,
    `CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at)`,
    `CREATE TABLE audit_log (
       seq INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, actor TEXT NOT NULL, actor_name TEXT NOT NULL,
       action TEXT NOT NULL, target TEXT, before TEXT, after TEXT)`,
    `CREATE TABLE flag_overrides (
       name TEXT PRIMARY KEY, value INTEGER NOT NULL, updated_at INTEGER NOT NULL, updated_by TEXT NOT NULL)`,
  ],
  // 6: email subscribers and the outbox. A subscriber's links are HMACs of its id
  // (LINK_SECRET), so no link secret is stored. The outbox holds one row per
  // (channel, recipient, event), written in the same transaction as the change it
  // announces; the unique key is what makes a retried batch send nothing twice.
  [
    `CREATE TABLE subscribers (
       id TEXT PRIMARY KEY, address TEXT NOT NULL, domain TEXT NOT NULL, components TEXT,
       state TEXT NOT NULL CHECK (state IN ('pending', 'confirmed', 'unsubscribed', 'bounced')),
       created_at INTEGER NOT NULL, confirm_sent_at INTEGER, confirmed_at INTEGER, unsubscribed_at INTEGER,
       bounced_at INTEGER, bounce_reason TEXT)`,
    `CREATE UNIQUE INDEX subscribers_by_address ON subscribers (address)`,
    `CREATE INDEX subscribers_by_state ON subscribers (state)`,
    `CREATE TABLE outbox (
       seq INTEGER PRIMARY KEY AUTOINCREMENT, channel TEXT NOT NULL, recipient TEXT NOT NULL,
       event TEXT NOT NULL, kind TEXT NOT NULL, ref TEXT,
       state TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'sent', 'failed', 'dropped')),
       attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER NOT NULL, last_error TEXT,
       created_at INTEGER NOT NULL, sent_at INTEGER, UNIQUE (channel, recipient, event))`,
    `CREATE INDEX outbox_due ON outbox (state, next_attempt_at)`,
  ],
  // 7: deliveries an operator holds back (one mail domain, later one webhook) while the
  // rest flows; held rows stay in the outbox until lifted (sent) or dropped.
  [
    `CREATE TABLE delivery_holds (
       kind TEXT NOT NULL CHECK (kind IN ('domain', 'webhook')), target TEXT NOT NULL,
       created_at INTEGER NOT NULL, created_by TEXT NOT NULL, PRIMARY KEY (kind, target))`,
  ],
  // 8: when subscribers were reminded that a maintenance is about to start.
  [`ALTER TABLE incidents ADD COLUMN reminded_at INTEGER`],
  // 9: webhook endpoints. The secret signs deliveries, so it is kept (not a hash); during a
  // rotation the previous one keeps signing alongside until previous_secret_until. Deliveries
  // are outbox rows of channel 'webhook' whose recipient is the endpoint's id.
  [
    `CREATE TABLE webhooks (
       id TEXT PRIMARY KEY, url TEXT NOT NULL, description TEXT, components TEXT,
       secret TEXT NOT NULL, previous_secret TEXT, previous_secret_until INTEGER,
       created_at INTEGER NOT NULL, created_by TEXT NOT NULL, updated_at INTEGER NOT NULL,
       disabled_at INTEGER, disabled_reason TEXT, last_success_at INTEGER, last_failure_at INTEGER,
       last_failure TEXT, failures_in_a_row INTEGER NOT NULL DEFAULT 0)`,
  ],
  // 10: the outbox's unique key is a dedupe key (`update:<id>`, `confirm:<time>`…), not an
  // event: "event" names an incident or maintenance everywhere else.
  [`ALTER TABLE outbox RENAME COLUMN event TO dedupe_key`],
  // 11: on-call alerting. One alert is open per key (a monitor, the canary…) at a time;
  // `steps` and `reminders` count what its escalation has queued, `next_escalation_at` is
  // when it queues more (null once acknowledged, resolved or handed over). Notices are
  // outbox rows of channel 'alert' whose recipient is a config channel id and whose ref
  // is the alert. A channel's own state: when it may next be sent to (grouping window,
  // rate limits, 429s) and its health. The thread ties a PagerDuty/Opsgenie trigger to
  // its resolve. Holds gain a third kind: one alert channel.
  [
    `CREATE TABLE alerts (
       id TEXT PRIMARY KEY, key TEXT NOT NULL, kind TEXT NOT NULL, severity TEXT NOT NULL,
       title TEXT NOT NULL, details TEXT NOT NULL, policy TEXT,
       status TEXT NOT NULL CHECK (status IN ('open', 'acknowledged', 'resolved')),
       opened_at INTEGER NOT NULL, acknowledged_at INTEGER, acknowledged_by TEXT, resolved_at INTEGER,
       steps INTEGER NOT NULL DEFAULT 0, reminders INTEGER NOT NULL DEFAULT 0,
       handed_over_at INTEGER, next_escalation_at INTEGER)`,
    `CREATE UNIQUE INDEX alerts_open_by_key ON alerts (key) WHERE status != 'resolved'`,
    `CREATE INDEX alerts_by_escalation ON alerts (next_escalation_at) WHERE next_escalation_at IS NOT NULL`,
    `CREATE INDEX alerts_by_time ON alerts (opened_at)`,
    `CREATE TABLE alert_channels (
       id TEXT PRIMARY KEY, next_send_at INTEGER NOT NULL DEFAULT 0,
       last_success_at INTEGER, last_failure_at INTEGER, last_failure TEXT,
       failures_in_a_row INTEGER NOT NULL DEFAULT 0)`,
    `CREATE TABLE alert_threads (
       alert_id TEXT NOT NULL, channel_id TEXT NOT NULL, thread TEXT NOT NULL, PRIMARY KEY (alert_id, channel_id))`,
    `CREATE INDEX alert_threads_by_thread ON alert_threads (channel_id, thread)`,
    `CREATE TABLE delivery_holds_new (
       kind TEXT NOT NULL CHECK (kind IN ('domain', 'webhook', 'channel')), target TEXT NOT NULL,
       created_at INTEGER NOT NULL, created_by TEXT NOT NULL, PRIMARY KEY (kind, target))`,
    `INSERT INTO delivery_holds_new SELECT kind, target, created_at, created_by FROM delivery_holds`,
    `DROP TABLE delivery_holds`,
    `ALTER TABLE delivery_holds_new RENAME TO delivery_holds`,
  ],
  // 12: an alert whose severity changed escalates afresh under its new policy, timed from the
  // change (`escalation_started_at`; null: from its opening). The outbox is read by channel and
  // state since a time (alerts/delivery-failing.ts) and by channel and ref (an alert's notices
  // and whom they went to).
  [
    `ALTER TABLE alerts ADD COLUMN escalation_started_at INTEGER`,
    `CREATE INDEX outbox_by_channel_state ON outbox (channel, state, sent_at)`,
    `CREATE INDEX outbox_by_channel_ref ON outbox (channel, ref, recipient)`,
  ],
  // 13: what runs on every report and every cron tick reads rows in proportion to what is due, not to
  // what is stored (issue 13). Hours of latency past the window are forgotten by the tick through an
  // index on the hour; the watchdog finds instances kicked since their last report (few: those just
  // restarted) through a partial index, not by reading every instance; "is it us?" (monitors.ts
  // suspectSelf, on every report of a failing monitor) reads the canaries, not every monitor.
  [
    `CREATE INDEX latency_hourly_by_hour ON latency_hourly (hour)`,
    `CREATE INDEX monitor_instances_kicked_since_report ON monitor_instances (kicked_at)
       WHERE kicked_at > last_report_at AND removed_at IS NULL`,
    `CREATE INDEX monitors_canaries ON monitors (id) WHERE role = 'canary'`,
  ],
  // 14: monitors share Monitor objects (probe groups, decision 0038). Each instance names the object
  // holding it and, while it moves, the one it moves from; an instance started before lives in its own
  // object (`monitorId@region`), which the Monitor objects' own migration turns into a group of one.
  [
    `ALTER TABLE monitor_instances ADD COLUMN probe_group TEXT`,
    `ALTER TABLE monitor_instances ADD COLUMN moved_from TEXT`,
    `CREATE INDEX monitor_instances_by_group ON monitor_instances (probe_group)`,
    `CREATE INDEX monitor_instances_moving ON monitor_instances (moved_from) WHERE moved_from IS NOT NULL`,
    `CREATE TABLE probe_groups (
       name TEXT PRIMARY KEY, region TEXT NOT NULL, fingerprint TEXT, interval_ms INTEGER,
       started_fingerprint TEXT, kicked_at INTEGER, failed_at INTEGER, last_report_at INTEGER)`,
    `UPDATE monitor_instances SET probe_group = monitor_id || '@' || region
     WHERE started_fingerprint IS NOT NULL AND stopped_at IS NULL`,
    // Silence is now a group's (alerts/watchdog.ts): an instance's row changes only with its news. The
    // watchdog reads the groups kicked since their last report (few: those just restarted).
    `DROP INDEX IF EXISTS monitor_instances_kicked_since_report`,
    `CREATE INDEX probe_groups_kicked_since_report ON probe_groups (kicked_at) WHERE kicked_at > last_report_at`,
  ],
  // 15: providers (issue 14). A statuspage monitor's instance keeps what it last observed of its
  // provider (worker/core/providers/provider-observation.ts); a component may be hidden from public
  // surfaces and depend on others, critically or not.
  [
    `ALTER TABLE monitor_instances ADD COLUMN provider TEXT`,
    `ALTER TABLE components ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0`,
    `CREATE TABLE component_dependencies (
       component_id TEXT NOT NULL, depends_on TEXT NOT NULL, critical INTEGER NOT NULL, position INTEGER NOT NULL,
       PRIMARY KEY (component_id, depends_on))`,
  ],
  // 16: when a provider's page could not be read, its mirror's uptime has no data (provider-unreadable.ts).
  [
    `CREATE TABLE provider_unreadable (
       monitor_id TEXT NOT NULL, component_id TEXT NOT NULL, since INTEGER NOT NULL, until INTEGER,
       PRIMARY KEY (monitor_id, component_id, since))`,
    // Snapshots read the stretches still open or ended within the windows shown, not a year of them.
    `CREATE INDEX provider_unreadable_by_until ON provider_unreadable (until)`,
  ],
  // 17: console sessions (console-sessions.ts): the hash of the cookie's secret, the token it was
  // opened with (a session ends with its token) and who typed their name at sign-in. Not exported:
  // a restored page starts with nobody signed in.
  [
    `CREATE TABLE console_sessions (
       hash TEXT PRIMARY KEY, token_id TEXT NOT NULL, token_hash TEXT NOT NULL, person TEXT NOT NULL,
       created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, ended_at INTEGER)`,
  ],
  // 18 (issue 15, the incident room): the practical guide's two other roles beside lead and
  // communicator, and the internal timeline, the scribe's notes (api/incident-notes.ts): never read
  // by a public surface, exported with the incident they belong to.
  [
    `ALTER TABLE incidents ADD COLUMN scribe TEXT`,
    `ALTER TABLE incidents ADD COLUMN investigator TEXT`,
    `CREATE TABLE incident_notes (
       id TEXT PRIMARY KEY, incident_id TEXT NOT NULL, body TEXT NOT NULL, author TEXT NOT NULL,
       created_at INTEGER NOT NULL)`,
    `CREATE INDEX incident_notes_by_incident ON incident_notes (incident_id, created_at)`,
  ],
  // 19 (issue 15, Access sign-in): people who sign in through Cloudflare Access, mapped to a role through
  // the API (console-people.ts; the config's own people are kept in meta). A session is of kind
  // 'access' when Access opened it: its person is the email, its role is looked up on every request.
  [
    `CREATE TABLE console_people (
       email TEXT PRIMARY KEY, role TEXT NOT NULL, created_at INTEGER NOT NULL, created_by TEXT NOT NULL,
       updated_at INTEGER NOT NULL)`,
    `ALTER TABLE console_sessions ADD COLUMN kind TEXT NOT NULL DEFAULT 'token'`,
  ],
  // 20 (issue 15, console: severities): an incident's human-named severity, the id of one in the config's
  // console.severities; its impact keeps Statuspage's vocabulary for every public surface.
  [`ALTER TABLE incidents ADD COLUMN severity TEXT`],
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** The version that brought probe groups: a page migrated from before it places its monitors in groups once. */
export const PROBE_GROUPS_SCHEMA = 14;

/** Brings the StatusPage tables up to SCHEMA_VERSION; returns the version it found. */
export function migrate(storage: DurableObjectStorage): number {
  return runMigrations(storage, MIGRATIONS);
}
