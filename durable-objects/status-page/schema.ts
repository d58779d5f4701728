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
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Brings the object's tables up to SCHEMA_VERSION; returns the version it found. */
export function migrate(storage: DurableObjectStorage): number {
  const sql = storage.sql;
  const hasMeta = sql.exec(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'`).toArray().length > 0;
  const found = hasMeta ? Number(readMeta(sql, "schema_version") ?? 0) : 0;
  for (let version = found; version < MIGRATIONS.length; version++) {
    storage.transactionSync(() => {
      for (const statement of MIGRATIONS[version] ?? []) sql.exec(statement);
      writeMeta(sql, "schema_version", String(version + 1));
    });
  }
  return found;
}

export function readMeta(sql: SqlStorage, key: string): string | undefined {
  const row = sql.exec<{ value: string }>(`SELECT value FROM meta WHERE key = ?`, key).toArray()[0];
  return row?.value;
}

export function writeMeta(sql: SqlStorage, key: string, value: string): void {
  sql.exec(
    `INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
    key,
    value,
  );
}
