import { runInDurableObject } from "cloudflare:test";

/** What one Durable Object was billed for in rows, as workerd counts them. */
export interface RowCount {
  /** Rows written by SQL, index entries included (each cursor's rowsWritten). */
  rowsWritten: number;
  rowsRead: number;
  /** setAlarm() calls: each is a row written on Cloudflare's bill. */
  setAlarms: number;
  /** Rows written per statement (its first line), to say which one when a count is off. */
  writers: Record<string, number>;
}

export interface RowMeter {
  /** Forgets what was counted so far. */
  reset(): void;
  /** What was counted since the last reset, cursors read now (once the object's code is done with them). */
  count(): RowCount;
}

/**
 * Counts, inside the object behind `stub`, every SQL statement's rows and
 * every setAlarm() from now on, by wrapping its own `storage.sql.exec` and
 * `storage.setAlarm`. It lasts as long as the object's instance: a restart
 * ends it. Tests only; the benchmark has its own meter.
 */
export async function meterRows(stub: DurableObjectStub): Promise<RowMeter> {
  const cursors: { query: string; cursor: SqlStorageCursor<Record<string, SqlStorageValue>> }[] = [];
  let setAlarms = 0;
  await runInDurableObject(stub, (_instance, state) => {
    const storage = state.storage;
    const sql = storage.sql;
    const exec = sql.exec.bind(sql);
    sql.exec = ((query: string, ...bindings: unknown[]) => {
      const cursor = exec(query, ...bindings);
      cursors.push({ query, cursor });
      return cursor;
    }) as typeof sql.exec;
    const setAlarm = storage.setAlarm.bind(storage);
    storage.setAlarm = (scheduledTime, options) => {
      setAlarms++;
      return setAlarm(scheduledTime, options);
    };
  });
  return {
    reset() {
      cursors.length = 0;
      setAlarms = 0;
    },
    count() {
      const writers: Record<string, number> = {};
      for (const { query, cursor } of cursors) {
        if (cursor.rowsWritten === 0) continue;
        const key = query.trim().split("\n")[0] ?? query;
        writers[key] = (writers[key] ?? 0) + cursor.rowsWritten;
      }
      return {
        rowsWritten: cursors.reduce((sum, c) => sum + c.cursor.rowsWritten, 0),
        rowsRead: cursors.reduce((sum, c) => sum + c.cursor.rowsRead, 0),
        setAlarms,
        writers,
      };
    },
  };
}
