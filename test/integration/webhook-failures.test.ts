import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { StatusPage } from "../../durable-objects/status-page/status-page.ts";
import type { FloodStats, TargetAddresses } from "../helpers/target-addresses.ts";
import { api } from "../helpers/workers/api.ts";
import { pinFlags } from "../helpers/workers/flags.ts";
import { pageObject } from "../helpers/workers/worker.ts";

/**
 * What a failed webhook leaves on record, against real receivers on
 * loopback (test/helpers/node/webhook-receiver.ts): a refused port, a name
 * that never resolves, TLS spoken to a plain-HTTP port, one that hangs
 * (WEBHOOK_TIMEOUT_SECONDS is 3 in the tests), a 503, and a 500 whose body
 * goes on for 256 MB. Each is recorded in words a person can act on; the
 * flood costs the StatusPage object a few kilobytes, counted by what the
 * receiver managed to write before Lookout hung up.
 */
const bindings = env as unknown as { WEBHOOK_RECEIVER: string; TARGETS: TargetAddresses };
const receiver = bindings.WEBHOOK_RECEIVER;
const refused = bindings.TARGETS.refused;
const run = crypto.randomUUID().slice(0, 8);
const QUIET = "object-storage";
/**
 * The kernel's loopback buffers take a few megabytes before a cancel lands
 * (test/integration/probe-http.test.ts measured 2–4 MB); reading the body
 * whole would be 256 MB.
 */
const MOST_BUFFERED = 16 * 1_048_576;

async function register(url: string): Promise<string> {
  const response = await api("POST", "/webhooks", { body: { url, components: [QUIET] } });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return String(response.body.id);
}

type Row = Record<string, SqlStorageValue>;
const rowFor = (id: string) =>
  runInDurableObject(pageObject(), (_: StatusPage, state) =>
    state.storage.sql
      .exec<Row>(`SELECT state, attempts, last_error FROM outbox WHERE recipient = ? ORDER BY seq`, id)
      .toArray(),
  );

/** Polls until `check` holds of what `read` returns (or 20 s pass), then returns the last read. */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 20_000;
  let value = await read();
  while (!check(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    value = await read();
  }
  return value;
}

/** Declares an incident, waits for the endpoint's first attempt to be recorded, returns its row and record. */
async function firstFailure(id: string) {
  const declared = await api("POST", "/incidents", {
    body: { name: `Failure ${run}`, message: "Looking into it.", components: {} },
  });
  expect(declared.status).toBe(201);
  const [row] = await eventually(
    () => rowFor(id),
    (rows) => Number(rows[0]?.attempts ?? 0) >= 1 && rows[0]?.state !== "sending",
  );
  // Never the runtime's own words, which name no cause.
  expect(String(row?.last_error)).not.toMatch(/internal error|reference =|Network connection lost/);
  const record = (await api("GET", `/webhooks/${id}`)).body;
  await api("DELETE", `/webhooks/${id}`);
  await api("POST", `/incidents/${declared.body.id}/updates`, { body: { status: "resolved", message: "Done." } });
  return { row, record };
}

// Only this file's own incidents: monitors opening theirs (every flag on) would reach endpoints too.
beforeAll(() => pinFlags({ webhook_notifications: true, automatic_incidents: false }));

describe("a failed delivery is recorded in words", { timeout: 40_000 }, () => {
  it("a refused connection", async () => {
    const id = await register(`http://${refused.hostname}:${refused.port}/hooks/refused-${run}`);
    const { row, record } = await firstFailure(id);
    expect(row).toMatchObject({ state: "pending", attempts: 1, last_error: "connection refused" });
    expect(record).toMatchObject({ lastFailure: "connection refused" });
  });

  it("a name that does not resolve", async () => {
    // .invalid never resolves (RFC 6761), with or without a network.
    const id = await register(`http://lookout-webhook-test.invalid/hooks/dns-${run}`);
    const { row } = await firstFailure(id);
    expect(row).toMatchObject({ state: "pending", last_error: "DNS lookup failed for lookout-webhook-test.invalid" });
  });

  it("a TLS handshake that fails", async () => {
    // TLS spoken to the receiver's plain-HTTP port.
    const id = await register(`${receiver.replace(/^http:/, "https:")}/hooks/tls-${run}`);
    const { row } = await firstFailure(id);
    expect(row).toMatchObject({ state: "pending", last_error: expect.stringMatching(/^TLS error: /) });
  });

  it("a receiver that never answers", async () => {
    const id = await register(`${receiver}/hooks/hang-words-${run}`);
    const { row } = await firstFailure(id);
    expect(row).toMatchObject({ state: "pending", last_error: "no answer within 3 s" });
  });

  it("a 500 whose body trickles: given up on at the timeout, still said as its status", async () => {
    const name = `trickle-${run}`;
    const id = await register(`${receiver}/hooks/${name}`);
    const { row } = await firstFailure(id);
    expect(row).toMatchObject({
      state: "pending",
      attempts: 1,
      last_error: "HTTP 500",
    });
    const stats = (await (await fetch(`${receiver}/flood/${name}`)).json()) as FloodStats;
    // A minute's body is 600 bytes; WEBHOOK_TIMEOUT_SECONDS (3) ends it long before.
    expect(stats.bytesWritten).toBeLessThan(200);
  });

  it("a 503", async () => {
    const id = await register(`${receiver}/hooks/busy-words-${run}`);
    const { row } = await firstFailure(id);
    expect(row).toMatchObject({ state: "pending", last_error: "HTTP 503: busy" });
  });
});

describe("a receiver answering 500 with 256 MB", { timeout: 40_000 }, () => {
  const floodStats = async (name: string) =>
    (await (await fetch(`${receiver}/flood/${name}`)).json()) as FloodStats | null;

  it("costs the StatusPage object only the start of it: recorded as HTTP 500, the rest never read", async () => {
    const name = `flood-hook-${run}`;
    const id = await register(`${receiver}/hooks/${name}`);
    const { row } = await firstFailure(id);
    // 200 bytes quoted, and a mark that there was more.
    expect(row).toMatchObject({ state: "pending", attempts: 1, last_error: `HTTP 500: ${"x".repeat(200)}…` });
    const stats = await eventually(
      () => floodStats(name),
      (s) => s?.clientGone === true,
    );
    expect(stats?.clientGone).toBe(true);
    expect(stats?.bytesWritten).toBeLessThan(MOST_BUFFERED);
  });
});
