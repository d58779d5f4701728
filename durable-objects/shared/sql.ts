/** SQLite helpers every Durable Object here shares: versioned migrations and a key/value meta table. */

/**
 * Runs the migrations an object has not run yet, each in one transaction with
 * the bump of `meta.schema_version`, so an object restarted mid-migration
 * simply runs it again. Returns the version it found.
 */
export function runMigrations(storage: DurableObjectStorage, migrations: readonly (readonly string[])[]): number {
  const sql = storage.sql;
  const hasMeta = sql.exec(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'`).toArray().length > 0;
  const found = hasMeta ? Number(readMeta(sql, "schema_version") ?? 0) : 0;
  for (let version = found; version < migrations.length; version++) {
    storage.transactionSync(() => {
      for (const statement of migrations[version] ?? []) sql.exec(statement);
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
