import { abortAllDurableObjects, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import type { StatusPage } from "../../durable-objects/status-page/status-page.ts";
import { WEBHOOK_MAX_ATTEMPTS, webhookRetryDelayMs } from "../../worker/core/webhooks/retry.ts";
import type { ReceivedWebhook } from "../helpers/target-addresses.ts";
import { api } from "../helpers/workers/api.ts";
import { pinFlags, pinFlagsForFile } from "../helpers/workers/flags.ts";
import { pageObject } from "../helpers/workers/worker.ts";

/**
 * Webhooks end to end: endpoints registered through the API, deliveries
 * POSTed by the StatusPage object's own alarm to a real HTTP server on
 * loopback (test/helpers/node/webhook-receiver.ts), and every signature
 * checked with the Standard Webhooks reference library.
 */
const receiver = (env as unknown as { WEBHOOK_RECEIVER: string }).WEBHOOK_RECEIVER;
/** The receiver outlives this file (and serves the flags-on/off runs too): every name is this run's own. */
const run = crypto.randomUUID().slice(0, 8);
const hookUrl = (name: string) => `${receiver}/hooks/${name}-${run}`;
/** A component no monitor drives here (see lookout.config.ts): only the tests change its status. */
const QUIET = "object-storage";

/**
 * What `name` received, oldest first; `about` keeps only deliveries whose body
 * mentions it (an incident's name, an event type), for the tests that must
 * tell their own deliveries from any other.
 */
async function received(name: string, about?: string): Promise<ReceivedWebhook[]> {
  const all = (await (await fetch(`${receiver}/received/${name}-${run}`)).json()) as ReceivedWebhook[];
  return about === undefined ? all : all.filter((d) => d.body.includes(about));
}

/**
 * Whether `name`'s endpoint has nothing in flight and nothing due: every
 * delivery the outbox holds for it is answered and settled, or waits for a
 * later retry, a hold or a disabled endpoint. The receiver records a POST
 * before answering it and the row is settled after, so once drained, what
 * the receiver holds is all that will arrive until the next retry is due.
 */
async function drained(name: string): Promise<boolean> {
  const [row] = await query(
    `SELECT COUNT(*) AS busy FROM outbox o JOIN webhooks w ON w.id = o.recipient
     WHERE o.channel = 'webhook' AND w.url = ?
       AND (o.state = 'sending' OR (o.state = 'pending' AND o.next_attempt_at <= ? AND w.disabled_at IS NULL
         AND o.recipient NOT IN (SELECT target FROM delivery_holds WHERE kind = 'webhook')))`,
    hookUrl(name),
    Date.now(),
  );
  return Number(row?.busy) === 0;
}

/**
 * Waits until `name` has `count` deliveries (about `about`) and its outbox is
 * drained, so an extra delivery would have shown: a condition, not a pause.
 */
async function waitForHooks(
  name: string,
  count: number,
  about?: string,
  withinMs = 10_000,
): Promise<ReceivedWebhook[]> {
  const deadline = Date.now() + withinMs;
  let got = await received(name, about);
  while ((got.length < count || !(await drained(name))) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    got = await received(name, about);
  }
  return received(name, about);
}

/** The endpoint's own record, as the StatusPage object keeps it (times on the object's clock). */
async function endpointRecord(id: string): Promise<Row> {
  return (await query(`SELECT * FROM webhooks WHERE id = ?`, id))[0] as Row;
}

async function answerWith(name: string, status: number): Promise<void> {
  await fetch(`${receiver}/answer/${name}-${run}`, { method: "PUT", body: String(status) });
}

/**
 * By default an endpoint follows object storage, which no monitor of the
 * page's config drives: incidents that name no component still reach it,
 * status changes the monitors make elsewhere do not, so counts stay exact.
 */
async function register(name: string, extra: Record<string, unknown> = {}): Promise<{ id: string; secret: string }> {
  const response = await api("POST", "/webhooks", { body: { url: hookUrl(name), components: [QUIET], ...extra } });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return { id: String(response.body.id), secret: String(response.body.secret) };
}

/** Verified with the reference library; returns the parsed payload. */
function verified(delivery: ReceivedWebhook, secret: string) {
  // biome-ignore lint/suspicious/noExplicitAny: a payload is read field by field in the assertions.
  return new Webhook(secret).verify(delivery.body, delivery.headers) as any;
}

async function declare(name: string, components: Record<string, string> = {}): Promise<string> {
  const response = await api("POST", "/incidents", {
    body: { name, message: `${name}: looking into it.`, components },
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return String(response.body.id);
}

type Row = Record<string, SqlStorageValue>;
function query(sql: string, ...params: SqlStorageValue[]): Promise<Row[]> {
  return runInDurableObject(pageObject(), (_: StatusPage, state) =>
    state.storage.sql.exec<Row>(sql, ...params).toArray(),
  );
}

const rowsFor = (id: string) =>
  query(
    `SELECT seq, state, attempts, next_attempt_at, last_error, kind FROM outbox WHERE recipient = ? ORDER BY seq`,
    id,
  );

// Only this file's own incidents: monitors opening theirs (every flag on) would reach endpoints too.
pinFlagsForFile({ webhook_notifications: true, automatic_incidents: false });

describe("registering endpoints", () => {
  it("answers with a whsec_ secret once; lists show health but never the secret; the audit log neither", async () => {
    const { id, secret } = await register("registered", { description: "Ops chat bridge" });
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const listed = await api("GET", "/webhooks");
    const mine = listed.body.data.find((w: { id: string }) => w.id === id);
    expect(mine).toMatchObject({ url: hookUrl("registered"), components: [QUIET], enabled: true, waiting: 0 });
    expect(JSON.stringify(listed.body)).not.toContain(secret.slice(6));
    expect((await api("GET", `/webhooks/${id}/secret`)).body.secret).toBe(secret);
    const audit = await api("GET", "/audit");
    expect(JSON.stringify(audit.body)).toContain(id);
    expect(JSON.stringify(audit.body)).not.toContain(secret.slice(6));
    // Chat services put a secret in the URL's path: the audit log keeps the origin only.
    expect(JSON.stringify(audit.body)).toContain(new URL(receiver).origin);
    expect(JSON.stringify(audit.body)).not.toContain("/hooks/registered");
  });

  it("a replayed creation (same Idempotency-Key) is the same endpoint, without its secret", async () => {
    const request = {
      body: { url: hookUrl("replayed"), components: [QUIET] },
      headers: { "Idempotency-Key": `k-${run}` },
    };
    const first = await api("POST", "/webhooks", request);
    const again = await api("POST", "/webhooks", request);
    expect(first.body.secret).toMatch(/^whsec_/);
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({
      id: first.body.id,
      secret: null,
      secretNote: expect.stringContaining("/secret"),
    });
    expect((await api("GET", `/webhooks/${first.body.id}/secret`)).body.secret).toBe(first.body.secret);
    await api("DELETE", `/webhooks/${first.body.id}`);
  });

  it("refuses what cannot work with a 4xx naming the field, and stores nothing", async () => {
    const before = (await api("GET", "/webhooks")).body.data.length;
    const attempts = [
      { body: { url: "ftp://example.com/x" }, status: 400 },
      { body: { url: "not a url" }, status: 400 },
      { body: { url: `http://user:secret@127.0.0.1/x` }, status: 422, code: "refused_target" },
      { body: { url: hookUrl("x"), components: ["nope"] }, status: 422, code: "unknown_component" },
      { body: { url: hookUrl("x"), extra: 1 }, status: 400 },
    ];
    for (const attempt of attempts) {
      const response = await api("POST", "/webhooks", { body: attempt.body });
      expect(response.status, JSON.stringify(attempt.body)).toBe(attempt.status);
      if (attempt.code) expect(response.body.error.code).toBe(attempt.code);
      expect(response.body.error.fields?.[0]?.path ?? "", JSON.stringify(response.body)).toMatch(
        /url|components|extra|^$/,
      );
    }
    expect((await api("GET", "/webhooks")).body.data.length).toBe(before);
    expect((await api("GET", "/webhooks/doesnotexist")).status).toBe(404);
  });
});

describe("deliveries", { timeout: 30_000 }, () => {
  it("an incident reaches each endpoint following an affected component once, signed, shaped like Statuspage's", async () => {
    const everything = await register("everything", { components: null });
    const follower = await register("follower", { components: [QUIET] });
    const website = await register("website-only", { components: ["website"] });
    const declaredAt = Date.now();
    const incidentId = await declare("Elevated API errors", { [QUIET]: "major_outage" });

    const toFollower = (await waitForHooks("follower", 2)).map((d) => verified(d, follower.secret));
    expect(toFollower).toHaveLength(2);
    // An endpoint that follows everything also hears of what the test monitors change elsewhere.
    const toAll = (await waitForHooks("everything", 2)).map((d) => verified(d, everything.secret));
    expect(toAll.filter((p) => p.incident?.id === incidentId)).toHaveLength(1);
    expect(toAll.filter((p) => p.component_update?.component_id === QUIET)).toHaveLength(1);
    await api("DELETE", `/webhooks/${everything.id}`);
    expect((await rowsFor(website.id)).filter((r) => r.kind === "incident")).toEqual([]);
    expect((await received("website-only")).map((d) => JSON.parse(d.body).incident?.id)).not.toContain(incidentId);

    const incident = toFollower.find((p) => p.meta.event_type === "incident.updated");
    expect(incident.page).toMatchObject({ status_indicator: "major", status_description: expect.any(String) });
    expect(incident.incident).toMatchObject({
      id: incidentId,
      name: "Elevated API errors",
      status: "investigating",
      impact: expect.any(String),
      shortlink: expect.stringContaining(`/incidents/${incidentId}`),
      backfilled: false,
      postmortem_body: null,
    });
    expect(incident.incident.incident_updates).toHaveLength(1);
    expect(incident.incident.incident_updates[0].body).toBe("Elevated API errors: looking into it.");
    expect(incident.incident.components.map((c: { id: string }) => c.id)).toEqual([QUIET]);

    const component = toFollower.find((p) => p.meta.event_type === "component.updated");
    expect(incident.meta).toMatchObject({
      unsubscribe: `https://status.test/api/v1/webhooks/${follower.id}`,
      documentation: expect.stringMatching(/\/api\/v1\/docs$/),
    });
    expect(component.component_update).toMatchObject({
      component_id: QUIET,
      component_type: "Component",
      old_status: "operational",
      new_status: "major_outage",
    });
    expect(component.component).toMatchObject({ id: QUIET, status: "major_outage", group: false, showcase: true });
    expect(component.component).toHaveProperty("position");
    expect(incident.incident).toMatchObject({ organization_id: incident.page.id, postmortem_ignored: false });

    const delivery = (await received("follower"))[0] as ReceivedWebhook;
    expect(delivery.headers["content-type"]).toBe("application/json");
    expect(delivery.headers["webhook-id"]).toMatch(/^msg_\d+$/);
    // Signed after the incident was declared and before the receiver had it: recorded times, in order.
    const signedAt = Number(delivery.headers["webhook-timestamp"]);
    expect(signedAt).toBeGreaterThanOrEqual(Math.floor(declaredAt / 1000));
    expect(signedAt).toBeLessThanOrEqual(Math.ceil(delivery.at / 1000));

    // Resolving is one more delivery each, describing the incident as it stood then.
    await api("POST", `/incidents/${incidentId}/updates`, { body: { status: "resolved", message: "Fixed." } });
    const after = (await waitForHooks("follower", 4)).map((d) => verified(d, follower.secret));
    const resolved = after.filter((p) => p.meta.event_type === "incident.updated")[1];
    expect(resolved.incident.status).toBe("resolved");
    expect(resolved.incident.incident_updates.map((u: { status: string }) => u.status)).toEqual([
      "resolved",
      "investigating",
    ]);
    const states = (await rowsFor(follower.id)).map((r) => r.state);
    expect(states).toEqual(["sent", "sent", "sent", "sent"]);
    expect((await api("GET", `/webhooks/${follower.id}`)).body).toMatchObject({ failuresInARow: 0, lastFailure: null });
  });

  it("a failure is retried after a few seconds with the same webhook-id, and the endpoint's record says what happened", async () => {
    const hook = await register("fail-then-ok");
    await declare("Retry me");
    const [first] = await waitForHooks("fail-then-ok", 1, "Retry me");
    const [row] = await rowsFor(hook.id);
    expect(row).toMatchObject({ state: "pending", attempts: 1, last_error: "HTTP 500: receiver broke" });
    // The failure was recorded after the receiver had the POST, and the retry set from that moment by the schedule.
    const failedAt = Number((await endpointRecord(hook.id)).last_failure_at);
    expect(failedAt).toBeGreaterThanOrEqual((first as ReceivedWebhook).at);
    const wait = Number(row?.next_attempt_at) - failedAt;
    expect(wait).toBeGreaterThanOrEqual(webhookRetryDelayMs(1, 0));
    expect(wait).toBeLessThanOrEqual(webhookRetryDelayMs(1, 1));
    expect((await api("GET", `/webhooks/${hook.id}`)).body).toMatchObject({
      enabled: true,
      failuresInARow: 1,
      lastFailure: "HTTP 500: receiver broke",
      waiting: 1,
    });

    await answerWith("fail-then-ok", 200);
    const both = await waitForHooks("fail-then-ok", 2, "Retry me", 15_000);
    expect(both).toHaveLength(2);
    expect(both[1]?.headers["webhook-id"]).toBe(first?.headers["webhook-id"]);
    expect(verified(both[1] as ReceivedWebhook, hook.secret).incident.name).toBe("Retry me");
    expect((await rowsFor(hook.id))[0]).toMatchObject({ state: "sent", attempts: 2 });
    expect((await api("GET", `/webhooks/${hook.id}`)).body).toMatchObject({ failuresInARow: 0, waiting: 0 });
  });

  it("410 Gone disables the endpoint at once, says why, and drops what waited for it", async () => {
    const hook = await register("gone");
    await api("PUT", `/holds/webhooks/${hook.id}`);
    await declare("First for gone");
    await declare("Second for gone");
    // The second waits (a later retry), so the first answer decides its fate.
    const [, second] = await rowsFor(hook.id);
    await query(`UPDATE outbox SET next_attempt_at = ? WHERE seq = ?`, Date.now() + 60_000, Number(second?.seq));
    await api("DELETE", `/holds/webhooks/${hook.id}`);
    await waitForHooks("gone", 1);
    const detail = (await api("GET", `/webhooks/${hook.id}`)).body;
    expect(detail).toMatchObject({ enabled: false, disabledReason: expect.stringContaining("HTTP 410") });
    // One attempt reached the receiver; the other delivery was dropped with the reason, not sent.
    expect((await received("gone")).length).toBe(1);
    const states = (await rowsFor(hook.id)).map((r) => r.state).sort();
    expect(states).toEqual(["dropped", "failed"]);
    await declare("Third for gone");
    expect((await rowsFor(hook.id)).length).toBe(2);
  });

  it("a delivery that used up its attempts disables the endpoint, losing nothing; enabling it again sends it all", async () => {
    const hook = await register("fail-for-good");
    await api("PUT", `/holds/webhooks/${hook.id}`);
    await declare("Last straw");
    await declare("Waits behind it");
    const [last, waiting] = await rowsFor(hook.id);
    // A day and a half of failures, told in two lines: the first row is on its final attempt.
    await query(
      `UPDATE outbox SET attempts = ?, next_attempt_at = ? WHERE seq = ?`,
      WEBHOOK_MAX_ATTEMPTS - 1,
      Date.now() - 1,
      Number(last?.seq),
    );
    await query(`UPDATE outbox SET next_attempt_at = ? WHERE seq = ?`, Date.now() + 3_600_000, Number(waiting?.seq));
    await api("DELETE", `/holds/webhooks/${hook.id}`);
    await waitForHooks("fail-for-good", 1);
    const detail = (await api("GET", `/webhooks/${hook.id}`)).body;
    expect(detail.enabled).toBe(false);
    expect(detail.disabledReason).toBe(
      `gave up after ${WEBHOOK_MAX_ATTEMPTS} attempts; last: HTTP 500: receiver broke`,
    );
    // Neither is lost: the one that gave up waits again, from a fresh count.
    const kept = await rowsFor(hook.id);
    expect(kept.map((r) => [r.state, r.attempts])).toEqual([
      ["pending", 0],
      ["pending", 0],
    ]);

    await answerWith("fail-for-good", 204);
    await query(`UPDATE outbox SET next_attempt_at = ? WHERE seq = ?`, Date.now(), Number(waiting?.seq));
    const enabled = await api("PATCH", `/webhooks/${hook.id}`, { body: { enabled: true } });
    expect(enabled.body).toMatchObject({ enabled: true, disabledReason: null, failuresInARow: 0 });
    const got = await waitForHooks("fail-for-good", 3);
    expect(got.map((d) => d.status)).toEqual([500, 204, 204]);
    const names = got.slice(1).map((d) => verified(d, hook.secret).incident.name);
    expect(names.sort()).toEqual(["Last straw", "Waits behind it"]);
    expect((await rowsFor(hook.id)).map((r) => r.state)).toEqual(["sent", "sent"]);
  });

  it("a receiver's Retry-After is honoured when it asks for longer than the schedule", async () => {
    const hook = await register("busy");
    await declare("Come back later");
    const [answered] = await waitForHooks("busy", 1);
    const [row] = await rowsFor(hook.id);
    expect(row).toMatchObject({ state: "pending", attempts: 1, last_error: "HTTP 503: busy" });
    // The schedule alone would wait 2.5–5 s.
    expect(Number(row?.next_attempt_at) - (answered as ReceivedWebhook).at).toBeGreaterThan(115_000);
    await api("DELETE", `/webhooks/${hook.id}`);
  });

  it("an endpoint that is failing is tried with one delivery, the rest of its queue waiting with it", async () => {
    const hook = await register("fail-narrow");
    await api("PUT", `/holds/webhooks/${hook.id}`);
    for (const name of ["Narrow one", "Narrow two", "Narrow three"]) await declare(name);
    await query(`UPDATE webhooks SET failures_in_a_row = 1 WHERE id = ?`, hook.id);
    await api("DELETE", `/holds/webhooks/${hook.id}`);
    await waitForHooks("fail-narrow", 1);
    expect(await received("fail-narrow")).toHaveLength(1);
    const rows = await rowsFor(hook.id);
    expect(rows.map((r) => r.attempts).sort()).toEqual([0, 0, 1]);
    // The two not tried wait as long as the one that failed.
    expect(new Set(rows.map((r) => r.next_attempt_at)).size).toBe(1);
    await api("DELETE", `/webhooks/${hook.id}`);
  });

  it("a redirect is not followed: it counts as a failure", async () => {
    const hook = await register("redirect");
    await declare("Somewhere else");
    await waitForHooks("redirect", 1);
    expect(await received("followed-redirect")).toEqual([]);
    expect((await rowsFor(hook.id))[0]).toMatchObject({ state: "pending", last_error: expect.stringContaining("302") });
    await api("DELETE", `/webhooks/${hook.id}`);
  });

  it("a receiver that hangs is given up on after WEBHOOK_TIMEOUT_SECONDS without holding up another endpoint", async () => {
    const hanging = await register("hang");
    const prompt = await register("prompt");
    await declare("One hangs, one answers");
    expect(await waitForHooks("prompt", 1)).toHaveLength(1);
    // The hanging one is given up on (drained: settled for a retry), in words.
    expect(await waitForHooks("hang", 1, undefined, 15_000)).toHaveLength(1);
    const [row] = await rowsFor(hanging.id);
    expect(row).toMatchObject({ state: "pending", attempts: 1, last_error: "no answer within 3 s" });
    // The other was recorded as sent before the hanging one was given up on: it did not wait for it.
    const [sent] = await query(`SELECT sent_at FROM outbox WHERE recipient = ?`, prompt.id);
    expect(Number(sent?.sent_at)).toBeLessThan(Number((await endpointRecord(hanging.id)).last_failure_at));
    await api("DELETE", `/webhooks/${hanging.id}`);
    await api("DELETE", `/webhooks/${prompt.id}`);
  }, 30_000);

  it("while a receiver hangs, more deliveries than one round of slots all reach the healthy endpoints", async () => {
    const hanging = await register("hang-crowd");
    const healthy: { id: string }[] = [];
    for (let i = 0; i < 60; i++) healthy.push(await register(`crowd${i}`));
    await declare("A crowd and one that hangs");
    const deadline = Date.now() + 10_000;
    let reached = 0;
    while (reached < 60 && Date.now() < deadline) {
      const counts = await Promise.all(healthy.map((_, i) => received(`crowd${i}`, "A crowd and one that hangs")));
      reached = counts.filter((c) => c.length === 1).length;
      if (reached < 60) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(reached).toBe(60);
    // All 60 were settled before the hanging one was given up on: nobody waited for its timeout.
    expect(await waitForHooks("hang-crowd", 1, undefined, 15_000)).toHaveLength(1);
    const [latest] = await query(
      `SELECT MAX(sent_at) AS at, COUNT(sent_at) AS n FROM outbox WHERE recipient IN (SELECT value FROM json_each(?))`,
      JSON.stringify(healthy.map((hook) => hook.id)),
    );
    expect(Number(latest?.n)).toBe(60);
    expect(Number(latest?.at)).toBeLessThan(Number((await endpointRecord(hanging.id)).last_failure_at));
    for (const hook of [hanging, ...healthy]) await api("DELETE", `/webhooks/${hook.id}`);
  });

  it("a test delivery is signed like any other and says it is a test", async () => {
    const hook = await register("tested");
    expect((await api("POST", `/webhooks/${hook.id}/test`)).body).toEqual({ queued: true, enabled: true });
    const [delivery] = await waitForHooks("tested", 1, "webhook.test");
    expect(verified(delivery as ReceivedWebhook, hook.secret)).toMatchObject({
      meta: { event_type: "webhook.test" },
      test: true,
    });
    await api("DELETE", `/webhooks/${hook.id}`);
  });
});

describe("internal incidents", { timeout: 30_000 }, () => {
  it("reach no endpoint: an internal incident, its updates and an internal window of a followed component queue nothing", async () => {
    const hook = await register("internal-watch");
    const internal = await api("POST", "/incidents", {
      body: { name: `Internal drill ${run}`, message: "Practising.", visibility: "internal" },
    });
    expect(internal.status, JSON.stringify(internal.body)).toBe(201);
    const update = await api("POST", `/incidents/${internal.body.id}/updates`, {
      body: { status: "resolved", message: "Drill over." },
    });
    expect(update.status, JSON.stringify(update.body)).toBe(201);
    const window = await api("POST", "/maintenances", {
      body: {
        name: `Internal window ${run}`,
        message: "Quiet work.",
        scheduledFor: new Date(Date.now() - 60_000).toISOString(),
        scheduledUntil: new Date(Date.now() + 3_600_000).toISOString(),
        components: [QUIET],
        visibility: "internal",
      },
    });
    expect(window.status, JSON.stringify(window.body)).toBe(201);
    // A public incident after them: once it has arrived, anything queued before it would have been queued too.
    const marker = await declare(`Public marker ${run}`);
    const got = await waitForHooks("internal-watch", 1, marker);
    expect(got.map((d) => JSON.parse(d.body).incident?.id)).toEqual([marker]);
    const rows = await rowsFor(hook.id);
    expect(rows.map((r) => [r.kind, r.state])).toEqual([["incident", "sent"]]);
    const all = await received("internal-watch");
    expect(all).toHaveLength(1);
    expect(all[0]?.body).not.toContain("Internal");
    await api("DELETE", `/webhooks/${hook.id}`);
  });
});

describe("secret rotation", { timeout: 30_000 }, () => {
  it("signs with both secrets during the overlap, so either verifies; with no overlap only the new one does", async () => {
    const hook = await register("rotated");
    const rotated = await api("POST", `/webhooks/${hook.id}/rotate-secret`, { body: { overlapSeconds: 3600 } });
    expect(rotated.status).toBe(200);
    expect(rotated.body.previousSecret).toBe(hook.secret);
    expect(rotated.body.secret).not.toBe(hook.secret);
    await api("POST", `/webhooks/${hook.id}/test`);
    const [during] = await waitForHooks("rotated", 1, "webhook.test");
    expect(during?.headers["webhook-signature"]?.split(" ")).toHaveLength(2);
    for (const secret of [hook.secret, rotated.body.secret])
      expect(verified(during as ReceivedWebhook, secret)).toBeTruthy();

    const again = await api("POST", `/webhooks/${hook.id}/rotate-secret`, { body: { overlapSeconds: 0 } });
    expect(again.body.previousSecret).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 5)); // a new test event id
    await api("POST", `/webhooks/${hook.id}/test`);
    const [, after] = await waitForHooks("rotated", 2, "webhook.test");
    expect(verified(after as ReceivedWebhook, again.body.secret)).toBeTruthy();
    expect(() => verified(after as ReceivedWebhook, rotated.body.secret)).toThrow();
    await api("DELETE", `/webhooks/${hook.id}`);
  });
});

describe("containing trouble", { timeout: 30_000 }, () => {
  it("holding one endpoint keeps its deliveries (counted) while others flow; lifting sends them, or drops them on request", async () => {
    const held = await register("held");
    const dropped = await register("dropped");
    const free = await register("free");
    for (const hook of [held, dropped]) expect((await api("PUT", `/holds/webhooks/${hook.id}`)).status).toBe(200);
    await declare("While held");
    expect(await waitForHooks("free", 1)).toHaveLength(1);
    expect(await received("held")).toEqual([]);
    const holds = (await api("GET", "/holds")).body.data;
    expect(holds.find((h: { target: string }) => h.target === held.id)).toMatchObject({ kind: "webhook", waiting: 1 });

    expect((await api("DELETE", `/holds/webhooks/${dropped.id}?pending=drop`)).body).toEqual({
      lifted: true,
      dropped: 1,
      sent: 0,
    });
    expect((await api("DELETE", `/holds/webhooks/${held.id}`)).body).toEqual({ lifted: true, dropped: 0, sent: 1 });
    expect(await waitForHooks("held", 1)).toHaveLength(1);
    expect(await received("dropped")).toEqual([]);
    expect((await rowsFor(dropped.id)).map((r) => r.state)).toEqual(["dropped"]);
    for (const hook of [held, dropped, free]) await api("DELETE", `/webhooks/${hook.id}`);
  });

  it("webhook_notifications off keeps everything in the outbox, across a restart; on again sends each once", async () => {
    const hook = await register("flagged");
    await pinFlags({ webhook_notifications: false });
    const incidentId = await declare("Flagged off");
    // The alarm runs to its end inside the object: whatever it would send has been sent when it returns.
    await runInDurableObject(pageObject(), (instance: StatusPage) => instance.alarm());
    expect(await received("flagged")).toEqual([]);
    await abortAllDurableObjects();
    const waiting = await rowsFor(hook.id);
    expect(waiting.length).toBeGreaterThan(0);
    expect(waiting.every((r) => r.state === "pending")).toBe(true);
    await pinFlags({ webhook_notifications: true });
    // The flag's change wakes the object's alarm: within seconds, not at the next heartbeat.
    const got = (await waitForHooks("flagged", waiting.length)).map((d) => verified(d, hook.secret));
    expect(got.filter((p) => p.incident?.id === incidentId)).toHaveLength(1);
    await api("DELETE", `/webhooks/${hook.id}`);
  });

  it("deleting an endpoint drops what waited for it", async () => {
    const hook = await register("deleted");
    await api("PUT", `/holds/webhooks/${hook.id}`);
    await declare("Nobody will hear");
    expect((await api("DELETE", `/webhooks/${hook.id}`)).body).toEqual({ deleted: true, dropped: 1 });
    expect((await rowsFor(hook.id)).map((r) => [r.state, r.last_error])).toEqual([
      ["dropped", "the webhook was deleted"],
    ]);
    expect((await api("GET", "/holds")).body.data.some((h: { target: string }) => h.target === hook.id)).toBe(false);
  });
});
