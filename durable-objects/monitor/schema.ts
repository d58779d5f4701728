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
];
