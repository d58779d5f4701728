import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type CostLine, meterCosts } from "../../durable-objects/shared/cost-meter.ts";
import { sha256Hex } from "../../worker/core/access/sha256.ts";
import type { ApiCall, ApiResult } from "../../worker/core/api/contract.ts";
import { OPERATIONS, type OperationId } from "../../worker/core/api/operations.ts";
import { monitorSchema } from "../../worker/core/monitors/monitor-config.ts";
import { setLogLevel } from "../../worker/platform/log.ts";
import { monitorStub, statusPageStub } from "../../worker/platform/stubs.ts";
import { ADMIN_TOKEN_FOR_TESTS } from "../helpers/test-secrets.ts";

/**
 * The cost meter (durable-objects/shared/cost-meter.ts) counts what the bill
 * counts: its rows are the SQLite cursors' own counters, each compared here
 * with a cursor of the same statement run on the raw storage, never with a
 * number written down from memory.
 */

let lines: CostLine[] = [];

beforeEach(() => {
  lines = [];
  const debug = console.debug.bind(console);
  vi.spyOn(console, "debug").mockImplementation((message: unknown) => {
    const parsed = typeof message === "string" ? (JSON.parse(message) as { event?: string }) : {};
    if (parsed.event === "cost") lines.push(parsed as unknown as CostLine);
    else debug(message);
  });
});

afterEach(() => {
  vi.restoreAllMocks();
  setLogLevel(env.LOG_LEVEL);
});

/** A stand-in object: its public methods are requests, and it uses the metered ctx as the real ones do. */
class Probe {
  ctx: DurableObjectState;
  readonly table: string;
  constructor(ctx: DurableObjectState, table = "kv") {
    this.ctx = ctx;
    this.table = table;
    this.ctx = meterCosts(this, ctx, "Probe");
  }
  upsert(key: string, value: string): void {
    this.#upsert(key, value);
  }
  /** Called after an await, a public method would count as a request of its own: objects call private ones. */
  #upsert(key: string, value: string): void {
    this.ctx.storage.sql.exec(upsert(this.table), key, value);
  }
  read(): number {
    return this.ctx.storage.sql.exec(`SELECT key FROM ${this.table}`).toArray().length;
  }
  /** Reads, waits for `gate` (another request runs meanwhile), writes. */
  async readWaitWrite(gate: Promise<void>, key: string): Promise<void> {
    const cursor = this.ctx.storage.sql.exec<{ key: string }>(`SELECT key FROM ${this.table} ORDER BY key`);
    cursor.next();
    await gate;
    cursor.toArray();
    this.#upsert(key, "late");
  }
  async alarmIn(ms: number): Promise<void> {
    await this.ctx.storage.setAlarm(Date.now() + ms);
    await this.ctx.storage.deleteAlarm();
  }
  /** Calls another public method: one request, not two. */
  readTwice(): number {
    return this.read() + this.read();
  }
}

const table = (name = "kv") => `CREATE TABLE IF NOT EXISTS ${name} (key TEXT PRIMARY KEY, value TEXT NOT NULL)`;
/** An upsert that leaves a row alone when its value would not change. */
const upsert = (name = "kv") => `INSERT INTO ${name} (key, value) VALUES (?, ?)
  ON CONFLICT (key) DO UPDATE SET value = excluded.value WHERE value != excluded.value`;
const KV = table();
const UPSERT = upsert();

/** What a raw (unmetered) cursor says the same statement costs. */
function raw(state: DurableObjectState, query: string, ...params: string[]) {
  const cursor = state.storage.sql.exec(query, ...params);
  cursor.toArray();
  return { rowsRead: cursor.rowsRead, rowsWritten: cursor.rowsWritten };
}

const sum = (key: "rowsRead" | "rowsWritten" | "setAlarms") => lines.reduce((total, line) => total + line[key], 0);

describe("cost meter", () => {
  it("counts a new row, an overwrite and an upsert that changes nothing as their cursors do", async () => {
    const stub = env.STATUS_PAGE.get(env.STATUS_PAGE.idFromName("cost-meter-rows"));
    await runInDurableObject(stub, (_instance, state) => {
      setLogLevel("debug");
      raw(state, KV);
      const probe = new Probe(state);
      lines = [];

      probe.upsert("a", "1"); // a new key
      probe.upsert("a", "2"); // overwritten
      probe.upsert("a", "2"); // unchanged
      // The same three statements on another key, through the raw storage.
      const expected = [raw(state, UPSERT, "b", "1"), raw(state, UPSERT, "b", "2"), raw(state, UPSERT, "b", "2")];

      expect(lines.map((line) => line.method)).toEqual(["upsert", "upsert", "upsert"]);
      expect(lines.map((line) => line.rowsWritten)).toEqual(expected.map((cursor) => cursor.rowsWritten));
      expect(lines.map((line) => line.rowsRead)).toEqual(expected.map((cursor) => cursor.rowsRead));
      // What the reference says of these statements (docs/reference/cloudflare-platform.md).
      expect(lines[2]?.rowsWritten).toBe(0);
      expect(lines[1]?.rowsWritten).toBe(1);
      expect(lines.every((line) => line.object === "Probe" && line.name === "cost-meter-rows")).toBe(true);
    });
  });

  it("counts each setAlarm() as one, and a public method called by another as part of its request", async () => {
    const stub = env.STATUS_PAGE.get(env.STATUS_PAGE.idFromName("cost-meter-alarm"));
    await runInDurableObject(stub, async (_instance, state) => {
      setLogLevel("debug");
      raw(state, KV);
      raw(state, UPSERT, "x", "1");
      raw(state, UPSERT, "y", "1");
      const probe = new Probe(state);
      lines = [];

      await probe.alarmIn(60_000);
      expect(lines).toMatchObject([{ method: "alarmIn", setAlarms: 1, rowsWritten: 0 }]);

      lines = [];
      probe.readTwice();
      const once = raw(state, `SELECT key FROM kv`);
      expect(lines).toMatchObject([{ method: "readTwice", rowsRead: 2 * once.rowsRead }]);
      expect(once.rowsRead).toBeGreaterThan(0);
    });
  });

  it("keeps exact totals when requests interleave, a cursor read across an await included", async () => {
    const stub = env.STATUS_PAGE.get(env.STATUS_PAGE.idFromName("cost-meter-interleave"));
    await runInDurableObject(stub, async (_instance, state) => {
      setLogLevel("debug");
      // The same rows in two tables: one for the metered requests, a twin for the raw cursors.
      for (const name of ["kv", "twin"]) {
        raw(state, table(name));
        for (const key of ["k1", "k2", "k3", "k4"]) raw(state, upsert(name), key, "0");
      }
      const expected = [
        raw(state, `SELECT key FROM twin ORDER BY key`),
        raw(state, upsert("twin"), "k1", "1"),
        raw(state, `SELECT key FROM twin`),
        raw(state, upsert("twin"), "k5", "late"),
      ];
      const probe = new Probe(state);
      lines = [];

      let open = () => {};
      const gate = new Promise<void>((resolve) => {
        open = resolve;
      });
      const slow = probe.readWaitWrite(gate, "k5"); // reads one row, then waits with its cursor half read
      probe.upsert("k1", "1"); // whole requests while the first waits
      probe.read();
      open();
      await slow;

      expect(lines.map((line) => line.method)).toEqual(["upsert", "read", "readWaitWrite"]);
      expect(sum("rowsRead")).toBe(expected.reduce((total, cursor) => total + cursor.rowsRead, 0));
      expect(sum("rowsWritten")).toBe(expected.reduce((total, cursor) => total + cursor.rowsWritten, 0));
      expect(sum("rowsRead")).toBeGreaterThanOrEqual(8);
    });
  });

  it("meters the Monitor object over RPC: an assignment's setAlarm, a heartbeat's overwrite", async () => {
    const name = "cost-meter-heartbeat@default";
    const stub = monitorStub(env, "cost-meter-heartbeat", "default");
    await stub.inspect(); // constructed (and its log level set) before this test turns debug on
    setLogLevel("debug");
    const monitor = monitorSchema.parse({
      id: "cost-meter-heartbeat",
      kind: "heartbeat",
      components: [],
      intervalSeconds: 60,
    });
    await stub.assign(name, { members: [{ monitor, region: "default", movedFrom: null }], leaving: [], probing: true });
    await stub.heartbeat("cost-meter-heartbeat"); // the member's last call, set
    await stub.heartbeat("cost-meter-heartbeat"); // and overwritten
    const expected = await runInDurableObject(stub, (_instance, state) => ({
      overwrite: raw(
        state,
        `UPDATE members SET last_ping_at = last_ping_at + 1 WHERE monitor_id = 'cost-meter-heartbeat'`,
      ).rowsWritten,
    }));

    // Its first alarm may come meanwhile (within 10 s of the assignment): not what this test counts.
    lines = lines.filter((line) => line.method !== "alarm");
    expect(lines.map((line) => [line.object, line.name, line.method])).toEqual([
      ["Monitor", name, "assign"],
      ["Monitor", name, "heartbeat"],
      ["Monitor", name, "heartbeat"],
    ]);
    expect(lines[0]?.setAlarms).toBe(1);
    expect(lines.slice(1).map((line) => line.rowsWritten)).toEqual([expected.overwrite, expected.overwrite]);
    expect(expected.overwrite).toBe(1);
  });

  it("meters the console's reads sent together to the StatusPage object as one request", async () => {
    const stub = statusPageStub(env);
    const credentialHash = await sha256Hex(ADMIN_TOKEN_FOR_TESTS);
    const read = (operation: OperationId): ApiCall => ({
      operation,
      credentialHash,
      credentialKind: "token",
      params: {},
      query: OPERATIONS[operation].query.parse({}),
      body: undefined,
      ifMatch: null,
      idempotencyKey: null,
      requestHash: null,
    });
    await stub.apiReads([read("flags.list")]); // constructed (and its log level set) before debug is on
    setLogLevel("debug");
    lines = [];
    const answers: ApiResult[] = await stub.apiReads([read("flags.list"), read("holds.list"), read("incidents.list")]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
    // Whatever else the object did meanwhile (its alarm), the batch is one line: one request on the bill.
    expect(lines.filter((line) => line.object === "StatusPage" && line.method !== "alarm")).toMatchObject([
      { method: "apiReads" },
    ]);
  });
});
