import type { FlagName, FlagValues } from "../../worker/core/flags.ts";

export interface FlagOverride {
  value: boolean;
  updatedAt: number;
  updatedBy: string;
}

/** Run-time overrides set through the API: they win over wrangler.toml and the declared defaults. */
export function readOverrides(sql: SqlStorage): Map<FlagName, FlagOverride> {
  const rows = sql
    .exec<{ name: FlagName; value: number; updated_at: number; updated_by: string }>(`SELECT * FROM flag_overrides`)
    .toArray();
  return new Map(rows.map((r) => [r.name, { value: r.value === 1, updatedAt: r.updated_at, updatedBy: r.updated_by }]));
}

export function overrideValues(overrides: Map<FlagName, FlagOverride>): Partial<FlagValues> {
  return Object.fromEntries([...overrides].map(([name, o]) => [name, o.value]));
}

export function writeOverride(sql: SqlStorage, name: FlagName, value: boolean | null, by: string, now: number): void {
  if (value === null) {
    sql.exec(`DELETE FROM flag_overrides WHERE name = ?`, name);
    return;
  }
  sql.exec(
    `INSERT INTO flag_overrides (name, value, updated_at, updated_by) VALUES (?, ?, ?, ?)
     ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at,
       updated_by = excluded.updated_by`,
    name,
    value ? 1 : 0,
    now,
    by,
  );
}
