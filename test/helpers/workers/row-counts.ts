import { runInDurableObject } from "cloudflare:test";

/** What the SQLite statements run during a piece of work cost, by their cursors' own counters. */
export interface RowCounts {
  statements: number;
  rowsRead: number;
  rowsWritten: number;
  /** Each statement's query and counts, in order, to find which one costs what. */
  each: { query: string; bindings: unknown[]; rowsRead: number; rowsWritten: number }[];
}

/**
 * Runs `body` inside a Durable Object and sums `rowsRead` and `rowsWritten` of
 * every `sql.exec` cursor opened while it runs (workerd's own counters, what
 * Cloudflare bills). The object's code reaches the same `storage.sql` object,
 * so wrapping its `exec` here sees every statement; anything else the object
 * runs meanwhile would be counted too, so use an object with nothing else
 * going on. Counts are read after `body` ends, when every cursor is done.
 */
export function countRows<O extends Rpc.DurableObjectBranded, T>(
  stub: DurableObjectStub<O>,
  body: (instance: O, state: DurableObjectState) => T | Promise<T>,
): Promise<{ result: T; counts: RowCounts }> {
  return runInDurableObject(stub, async (instance: O, state) => {
    const sql = state.storage.sql;
    const exec = sql.exec;
    const cursors: {
      query: string;
      bindings: unknown[];
      cursor: SqlStorageCursor<Record<string, SqlStorageValue>>;
    }[] = [];
    sql.exec = function (this: SqlStorage, query: string, ...bindings: unknown[]) {
      const cursor = exec.call(this, query, ...bindings);
      cursors.push({ query, bindings, cursor });
      return cursor;
    } as SqlStorage["exec"];
    let result: T;
    try {
      result = await body(instance, state);
    } finally {
      sql.exec = exec;
    }
    const each = cursors.map(({ query, bindings, cursor }) => ({
      query: query.replace(/\s+/g, " ").trim(),
      bindings,
      rowsRead: cursor.rowsRead,
      rowsWritten: cursor.rowsWritten,
    }));
    return {
      result,
      counts: {
        statements: each.length,
        rowsRead: each.reduce((sum, s) => sum + s.rowsRead, 0),
        rowsWritten: each.reduce((sum, s) => sum + s.rowsWritten, 0),
        each,
      },
    };
  });
}

/**
 * SQLite's plan for each statement counted (EXPLAIN QUERY PLAN, run in the
 * object with the same bindings): the lines that read a whole table or a
 * whole index ("SCAN …"), so a test can say which reads are not searches.
 */
export function fullScans(
  stub: DurableObjectStub<Rpc.DurableObjectBranded>,
  counts: RowCounts,
): Promise<{ query: string; scans: string[] }[]> {
  return runInDurableObject(stub, (_instance, state) =>
    counts.each
      .map(({ query, bindings }) => ({
        query,
        scans: state.storage.sql
          .exec<{ detail: string }>(`EXPLAIN QUERY PLAN ${query}`, ...bindings)
          .toArray()
          .map((row) => row.detail)
          // A derived table's rows are already counted where they came from.
          .filter((detail) => /^SCAN /.test(detail) && !/^SCAN \(subquery-\d+\)$/.test(detail)),
      }))
      .filter((plan) => plan.scans.length > 0),
  );
}
