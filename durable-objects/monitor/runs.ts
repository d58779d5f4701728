import type { StoredSample } from "../../worker/core/monitors/handover.ts";

/**
 * A probe group's samples: one row per run, holding what every monitor checked
 * in it saw. The row's key is the second of its slot within 48 h, so the run
 * at the same slot two days later overwrites it in place (one row written per
 * run, nothing to delete) and the rows of any stretch of time are one range of
 * the primary key.
 */
export const SAMPLE_WINDOW_MS = 48 * 3_600_000;
const SLOTS = SAMPLE_WINDOW_MS / 1000;

/** [monitorId, at, outcome, latencyMs, statusCode, state, summary]: short, as thousands are stored per day. */
type Stored = [string, number, StoredSample["outcome"], number, number | null, StoredSample["state"], string];

const slotOf = (at: number) => Math.floor(at / 1000) % SLOTS;

export function pack(monitorId: string, s: StoredSample): Stored {
  return [monitorId, s.at, s.outcome, Math.round(s.latencyMs), s.statusCode, s.state, s.summary];
}

export function unpack(row: Stored): { monitorId: string; sample: StoredSample } {
  const [monitorId, at, outcome, latencyMs, statusCode, state, summary] = row;
  return { monitorId, sample: { at, outcome, latencyMs, statusCode, state, summary } };
}

/**
 * Stores one run, keyed by its slot (`slotAt`, the time it was due, so a late
 * alarm still lands on the same row two days on). A second run in the same
 * second (a first check right after an assignment) joins the row.
 */
export function writeRun(sql: SqlStorage, slotAt: number, results: readonly Stored[]): void {
  if (results.length === 0) return;
  const slot = slotOf(slotAt);
  const existing = sql
    .exec<{ at: number; results: string }>(`SELECT at, results FROM runs WHERE slot = ?`, slot)
    .toArray()[0];
  const joined =
    existing && existing.at === slotAt ? [...(JSON.parse(existing.results) as Stored[]), ...results] : results;
  sql.exec(
    `INSERT INTO runs (slot, at, results) VALUES (?, ?, ?)
     ON CONFLICT (slot) DO UPDATE SET at = excluded.at, results = excluded.results`,
    slot,
    slotAt,
    JSON.stringify(joined),
  );
}

/**
 * Every stored sample in (from, to], by monitor, oldest first: one range of
 * the key (two when it wraps). A run's row is keyed by its slot and its
 * checks start at or after it, so the rows looked at are those of runs whose
 * slot is after `runsAfter`: `from` for report windows (whose bound is a run's
 * start: earlier runs' samples were reported), earlier for a whole day, whose
 * first checks may belong to a run due before midnight.
 */
export function samplesBetween(
  sql: SqlStorage,
  from: number,
  to: number,
  runsAfter: number = from,
): Map<string, StoredSample[]> {
  const start = Math.max(Math.min(from, runsAfter), to - SAMPLE_WINDOW_MS + 1000);
  const out = new Map<string, StoredSample[]>();
  if (start > to) return out;
  const a = slotOf(start);
  const b = slotOf(to);
  const ranges: [number, number][] =
    a <= b
      ? [[a, b]]
      : [
          [a, SLOTS - 1],
          [0, b],
        ];
  const rows: { at: number; results: string }[] = [];
  for (const [lo, hi] of ranges) {
    rows.push(
      ...sql
        .exec<{ at: number; results: string }>(
          `SELECT at, results FROM runs WHERE slot BETWEEN ? AND ? AND at > ? AND at <= ?`,
          lo,
          hi,
          Math.min(from, runsAfter),
          to,
        )
        .toArray(),
    );
  }
  rows.sort((x, y) => x.at - y.at);
  for (const row of rows) {
    for (const stored of JSON.parse(row.results) as Stored[]) {
      const { monitorId, sample } = unpack(stored);
      if (sample.at <= from || sample.at > to) continue;
      const list = out.get(monitorId) ?? [];
      list.push(sample);
      out.set(monitorId, list);
    }
  }
  return out;
}

/**
 * Forgets runs past the window that no later run overwrote (the group's phase
 * moved, or it stopped): none in the steady state. A scan of the keys, run
 * once a day.
 */
export function forgetStaleRuns(sql: SqlStorage, now: number): void {
  sql.exec(`DELETE FROM runs WHERE at <= ?`, now - SAMPLE_WINDOW_MS);
  sql.exec(`DELETE FROM handed_over WHERE until <= ?`, now - SAMPLE_WINDOW_MS);
}

/**
 * Handed-over samples per row: a row holds at most 2 MB on Cloudflare, and a
 * sample takes up to about 300 bytes (a summary quotes at most 80 characters
 * of outside text), while 48 h of a 10 s monitor is 17,280 samples. The
 * migration from the one-monitor layout (schema.ts) chunks by the same count.
 */
export const HANDED_OVER_CHUNK = 1000;

type HandedOver = [number, StoredSample["outcome"], number, number | null, StoredSample["state"], string];

/** Keeps the samples a monitor brought from another object, in chunks, in place of any it brought before. */
export function storeHandedOver(sql: SqlStorage, monitorId: string, samples: readonly StoredSample[]): void {
  sql.exec(`DELETE FROM handed_over WHERE monitor_id = ?`, monitorId);
  const sorted = [...samples].sort((a, b) => a.at - b.at);
  for (let i = 0; i < sorted.length; i += HANDED_OVER_CHUNK) {
    const chunk = sorted.slice(i, i + HANDED_OVER_CHUNK);
    sql.exec(
      `INSERT INTO handed_over (monitor_id, until, samples) VALUES (?, ?, ?)`,
      monitorId,
      chunk.at(-1)?.at ?? 0,
      JSON.stringify(chunk.map((s) => pack(monitorId, s).slice(1))),
    );
  }
}

/** Samples another object handed over, in (from, to], for the monitors that have any there, oldest first. */
export function handedOverBetween(sql: SqlStorage, from: number, to: number): Map<string, StoredSample[]> {
  const out = new Map<string, StoredSample[]>();
  for (const row of sql
    .exec<{ monitor_id: string; samples: string }>(
      `SELECT monitor_id, samples FROM handed_over WHERE until > ? ORDER BY monitor_id, until`,
      from,
    )
    .toArray()) {
    const samples = (JSON.parse(row.samples) as HandedOver[])
      .map(([at, outcome, latencyMs, statusCode, state, summary]) => ({
        at,
        outcome,
        latencyMs,
        statusCode,
        state,
        summary,
      }))
      .filter((s) => s.at > from && s.at <= to);
    if (samples.length > 0) out.set(row.monitor_id, [...(out.get(row.monitor_id) ?? []), ...samples]);
  }
  for (const samples of out.values()) samples.sort((a, b) => a.at - b.at);
  return out;
}
