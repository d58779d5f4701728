import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { StatusPage } from "../../durable-objects/status-page/status-page.ts";
import { fetchWorker, pageObject } from "../helpers/workers/worker.ts";

interface Counted {
  calls: number;
  statements: number;
  rowsRead: number;
  rowsWritten: number;
}

/**
 * Counts the SQL the page object's health check runs, by its cursors' own
 * counters. The check is synchronous, so every statement run while it runs
 * is its own (nothing else interleaves); returns a function that stops
 * counting and gives the totals.
 */
async function countHealthCheckSql(): Promise<() => Promise<Counted>> {
  const page = pageObject();
  await runInDurableObject(page, (instance: StatusPage, state) => {
    const counted: Counted = { calls: 0, statements: 0, rowsRead: 0, rowsWritten: 0 };
    const sql = state.storage.sql;
    const exec = sql.exec;
    // RPC finds methods on the class, not on the instance.
    const proto = Object.getPrototypeOf(instance) as StatusPage;
    const healthCheck = proto.healthCheck;
    const cursors: SqlStorageCursor<Record<string, SqlStorageValue>>[] = [];
    let inside = false;
    sql.exec = function (this: SqlStorage, query: string, ...bindings: unknown[]) {
      const cursor = exec.call(this, query, ...bindings);
      if (inside) cursors.push(cursor);
      return cursor;
    } as SqlStorage["exec"];
    proto.healthCheck = function (this: StatusPage) {
      counted.calls++;
      inside = true;
      try {
        return healthCheck.call(this);
      } finally {
        inside = false;
      }
    };
    (globalThis as unknown as { stopCounting: () => Counted }).stopCounting = () => {
      sql.exec = exec;
      proto.healthCheck = healthCheck;
      for (const cursor of cursors) {
        counted.statements++;
        counted.rowsRead += cursor.rowsRead;
        counted.rowsWritten += cursor.rowsWritten;
      }
      return counted;
    };
  });
  return () =>
    runInDurableObject(page, () => (globalThis as unknown as { stopCounting: () => Counted }).stopCounting());
}

describe("/healthCheck's cost", () => {
  it("reads storage on every request but writes nothing", async () => {
    const stop = await countHealthCheckSql();
    const N = 20;
    for (let i = 0; i < N; i++) {
      const response = await fetchWorker("/healthCheck");
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ status: "ok", checks: { storage: { status: "ok" } } });
    }
    const counted = await stop();
    // Every request reached storage: a real round trip, not an answer from memory.
    expect(counted.calls).toBe(N);
    expect(counted.statements).toBeGreaterThanOrEqual(N);
    expect(counted.rowsRead).toBeGreaterThanOrEqual(N);
    expect(counted.rowsWritten).toBe(0);
  });
});
