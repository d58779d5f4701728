/** A Monitor object's tables; append-only migrations, as for the StatusPage object. */
export const MONITOR_MIGRATIONS: readonly (readonly string[])[] = [
  [
    `CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
    // Raw checks, kept for a bounded window.
    `CREATE TABLE samples (
       at INTEGER PRIMARY KEY, outcome TEXT NOT NULL, latency_ms INTEGER NOT NULL,
       status_code INTEGER, state TEXT NOT NULL, summary TEXT NOT NULL)`,
    // One row per UTC day, kept for a year and more.
    `CREATE TABLE daily (
       day TEXT PRIMARY KEY, checks INTEGER NOT NULL, down_checks INTEGER NOT NULL,
       degraded_checks INTEGER NOT NULL, down_seconds INTEGER NOT NULL,
       mean_latency_ms INTEGER, p95_latency_ms INTEGER)`,
  ],
  // A Monitor object becomes a probe group (decision 0038): the monitors it checks, one row per
  // run holding every sample of that run, in slots overwritten in place after 48 h. An object of
  // the one-monitor layout turns into a group of one here, its samples kept as a handed-over set;
  // a shared group takes the monitor over from it later (worker/core/monitors/handover.ts, Monitor.handOver).
  // Daily roll-ups live in the StatusPage object alone, which already keeps them for 400 days.
  [
    `CREATE TABLE members (
       monitor_id TEXT PRIMARY KEY, region TEXT NOT NULL, config TEXT NOT NULL, memory TEXT,
       slow INTEGER NOT NULL DEFAULT 0, watching_since INTEGER, last_ping_at INTEGER,
       report_from INTEGER NOT NULL DEFAULT 0, unsent TEXT, handed_at INTEGER)`,
    `CREATE TABLE runs (slot INTEGER PRIMARY KEY, at INTEGER NOT NULL, results TEXT NOT NULL)`,
    // Handed-over samples in chunks of HANDED_OVER_CHUNK (runs.ts): 72 h of a 10 s monitor in one row
    // would pass Cloudflare's 2 MB a row (docs/reference/cloudflare-platform.md).
    `CREATE TABLE handed_over (
       monitor_id TEXT NOT NULL, until INTEGER NOT NULL, samples TEXT NOT NULL, PRIMARY KEY (monitor_id, until))`,
    `INSERT INTO members (monitor_id, region, config, memory, watching_since, last_ping_at, report_from, unsent)
       SELECT id.value, COALESCE(region.value, 'default'), config.value,
         (SELECT value FROM meta WHERE key = 'memory'),
         CAST((SELECT value FROM meta WHERE key = 'watching_since') AS INTEGER),
         CAST((SELECT value FROM meta WHERE key = 'last_ping_at') AS INTEGER),
         COALESCE(CAST((SELECT value FROM meta WHERE key = 'last_report_at') AS INTEGER), 0),
         (SELECT value FROM meta WHERE key = 'unsent_report')
       FROM meta id JOIN meta config ON config.key = 'config'
         LEFT JOIN meta region ON region.key = 'region'
       WHERE id.key = 'monitor_id'
         AND COALESCE((SELECT value FROM meta WHERE key = 'stopped'), '0') = '0'`,
    `INSERT INTO handed_over (monitor_id, until, samples)
       SELECT (SELECT value FROM meta WHERE key = 'monitor_id'), MAX(at),
         json_group_array(json_array(at, outcome, latency_ms, status_code, state, summary))
       FROM (SELECT *, (ROW_NUMBER() OVER (ORDER BY at) - 1) / 1000 AS chunk FROM samples ORDER BY at)
       WHERE (SELECT value FROM meta WHERE key = 'monitor_id') IS NOT NULL
       GROUP BY chunk`,
    // Its name, which sets its phase: the object was named `monitorId@region` (worker/platform/stubs.ts).
    `INSERT INTO meta (key, value)
       SELECT 'name', id.value || '@' || COALESCE(region.value, 'default') FROM meta id
         LEFT JOIN meta region ON region.key = 'region'
       WHERE id.key = 'monitor_id'`,
    `DROP TABLE samples`,
    `DROP TABLE daily`,
    `DELETE FROM meta WHERE key IN ('monitor_id', 'region', 'config', 'stopped', 'next_check_at', 'memory',
       'watching_since', 'last_ping_at', 'unsent_report')`,
  ],
  // A statuspage monitor's validators and observation of its provider (issue 14), rewritten only when they change.
  [`ALTER TABLE members ADD COLUMN provider TEXT`],
];
