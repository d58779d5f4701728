import { abortAllDurableObjects, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import type { StatusPage } from "../../durable-objects/status-page/status-page.ts";
import { createApp } from "../../worker/app.tsx";
import { CONFIRM_LINK_MS, confirmPath } from "../../worker/core/subscribers/links.ts";
import type { MailServerAddresses, ReceivedMail, ReceivedWebhook } from "../helpers/target-addresses.ts";
import { LINK_SECRET_FOR_TESTS } from "../helpers/test-secrets.ts";
import { api } from "../helpers/workers/api.ts";
import { pinFlags, pinFlagsForFile } from "../helpers/workers/flags.ts";
import { fetchWorker, pageObject } from "../helpers/workers/worker.ts";

const minutes = (n: number) => new Date(Date.now() + n * 60_000).toISOString();

/** "Ongoing for 3 min (as of …)" is the time of rendering, not state: the one thing allowed to differ. */
function withoutRenderTime(html: string): string {
  // The open incident's degraded minute counts up to each render: seconds apart, two renders differ only there.
  return html.replace(/\(as of <time[^>]*>[^<]*<\/time>\)/g, "(as of …)").replace(/\b\d{1,2} s\b/g, "… s");
}

/** What readers and communicators see, read fresh (a new app each time: no cache survives the wipe). */
async function everythingVisible(ids: { incidents: string[]; maintenance: string }) {
  const app = createApp({ freshMs: 0, maxStaleMs: 0, sharedCache: () => null });
  const publicPaths = [
    "/",
    "/history",
    "/components/api",
    ...ids.incidents.map((id) => `/incidents/${id}`),
    `/maintenances/${ids.maintenance}`,
    "/api/v2/summary.json",
    "/api/v2/incidents.json",
    "/api/v2/scheduled-maintenances.json",
    "/api/v2/components.json",
  ];
  const pages: Record<string, string> = {};
  for (const path of publicPaths) {
    // Each answered, or "identical" could be two identical errors.
    const response = await app.request(path, {}, env);
    expect(response.status, path).toBe(200);
    pages[path] = withoutRenderTime(await response.text());
  }
  const apiPaths = [
    "/incidents?limit=100",
    "/maintenances?limit=100",
    "/tokens",
    "/flags",
    ...ids.incidents.map((id) => `/incidents/${id}`),
    // The resolved incident's draft only: an ongoing one's draft counts up to the moment it is read.
    `/incidents/${ids.incidents[0]}/report`,
  ];
  const answers: Record<string, unknown> = {};
  for (const path of apiPaths) {
    const answer = await api("GET", path);
    expect(answer.status, path).toBe(200);
    answers[path] = answer.body;
  }
  return { pages, answers };
}

/** A setup request whose answer is checked: a refused one would leave less to back up than the test believes. */
// biome-ignore lint/suspicious/noExplicitAny: setup answers are read field by field.
async function made(method: string, path: string, options: Parameters<typeof api>[2] = {}, status = 200): Promise<any> {
  const response = await api(method, path, options);
  expect(response.status, `${method} ${path}: ${JSON.stringify(response.body)}`).toBe(status);
  return response.body;
}

/** A reader subscribing through the page's form, from the page itself. */
async function subscribeByForm(email: string, components: string[]): Promise<void> {
  const form = new URLSearchParams({ email });
  for (const id of components) form.append("components", id);
  const response = await fetchWorker("/subscribe", {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      origin: "https://status.test",
      "sec-fetch-site": "same-origin",
    },
    body: form.toString(),
  });
  expect(response.status, `subscribing ${email}`).toBe(200);
}

async function subscriberIdOf(address: string): Promise<string> {
  const rows = await runInDurableObject(pageObject(), (_: StatusPage, state) =>
    state.storage.sql.exec<{ id: string }>(`SELECT id FROM subscribers WHERE address = ?`, address).toArray(),
  );
  expect(rows, address).toHaveLength(1);
  return String(rows[0]?.id);
}

async function confirmByLink(id: string): Promise<void> {
  const path = await confirmPath(LINK_SECRET_FOR_TESTS, id, Date.now() + CONFIRM_LINK_MS);
  const response = await fetchWorker(path, {
    method: "POST",
    redirect: "manual",
    headers: { origin: "https://status.test", "sec-fetch-site": "same-origin" },
  });
  expect(response.status).toBe(303);
}

type Rows = Record<string, SqlStorageValue>[];
/** The tables of who is told and what waits, every row, in a stable order. */
function deliveryTables(): Promise<Record<"subscribers" | "webhooks" | "delivery_holds" | "outbox", Rows>> {
  return runInDurableObject(pageObject(), (_: StatusPage, state) => {
    const all = (sql: string) => state.storage.sql.exec<Record<string, SqlStorageValue>>(sql).toArray();
    return {
      subscribers: all(`SELECT * FROM subscribers ORDER BY id`),
      webhooks: all(`SELECT * FROM webhooks ORDER BY id`),
      delivery_holds: all(`SELECT * FROM delivery_holds ORDER BY kind, target`),
      outbox: all(`SELECT * FROM outbox ORDER BY seq`),
    };
  });
}

// The restore tests open and close channels themselves; after the file every flag is back at the run's value.
pinFlagsForFile({});

/** Every row of the page gone, and the object restarted on empty storage. */
async function wipePage(): Promise<void> {
  await runInDurableObject(pageObject(), (_: StatusPage, state) => state.storage.deleteAll());
  await abortAllDurableObjects();
}

describe("backup and restore", () => {
  it("export → wipe → import gives identical public output and API output", async () => {
    const run = crypto.randomUUID().slice(0, 8);
    const receiver = (env as unknown as { WEBHOOK_RECEIVER: string }).WEBHOOK_RECEIVER;
    // Who will be told, and what holds them back, first: the incidents below then leave deliveries waiting.
    await pinFlags({ new_subscriptions: true });
    const heldDomain = `held-${run}.example`;
    await made("PUT", `/holds/domains/${heldDomain}`);
    const heldHook = await made(
      "POST",
      "/webhooks",
      {
        body: { url: `${receiver}/hooks/backup-held-${run}`, components: null, description: "Held during the backup" },
      },
      201,
    );
    await made("PUT", `/holds/webhooks/${heldHook.id}`);
    const pausedHook = await made(
      "POST",
      "/webhooks",
      {
        body: { url: `${receiver}/hooks/backup-paused-${run}`, components: ["billing", "dashboard"] },
      },
      201,
    );
    await made("PUT", `/holds/webhooks/${pausedHook.id}`);
    await made("POST", `/webhooks/${pausedHook.id}/rotate-secret`, { body: { overlapSeconds: 3_600 } });
    const reader = `reader@${heldDomain}`;
    await subscribeByForm(reader, ["billing"]);
    await confirmByLink(await subscriberIdOf(reader));
    await subscribeByForm(`undecided@${heldDomain}`, []);

    const first = await made(
      "POST",
      "/incidents",
      {
        body: {
          name: "Payments failing",
          message: "Card payments fail.",
          impact: "critical",
          components: { billing: "major_outage" },
        },
      },
      201,
    );
    await made("POST", `/incidents/${first.id}/updates`, { body: { status: "resolved", message: "Fixed." } }, 201);
    await made("PUT", `/incidents/${first.id}/report`, {
      headers: { "if-match": "*" },
      body: {
        summary: "Card payments failed for 12 minutes.",
        whoWasAffected: "Everyone paying by card.",
        whatHappened: "An expired certificate.",
        prevention: "Certificate expiry alerts.",
        followUps: [
          { title: "Alert 30 days before expiry", owner: "Sam", url: "https://tracker.example/PAY-9", done: true },
        ],
      },
    });
    await made("POST", `/incidents/${first.id}/report/publish`);
    const second = await made(
      "POST",
      "/incidents",
      {
        body: {
          name: "Slow dashboard",
          message: "Pages load slowly.",
          components: { dashboard: "degraded_performance" },
        },
      },
      201,
    );
    await made("POST", "/incidents", { body: { name: "Internal only", message: "m", visibility: "internal" } }, 201);
    const maintenance = await made(
      "POST",
      "/maintenances",
      {
        body: {
          name: "Search reindex",
          message: "m",
          scheduledFor: minutes(60),
          scheduledUntil: minutes(90),
          components: ["search"],
        },
      },
      201,
    );
    await made("POST", "/tokens", { body: { name: "bot", scopes: ["incidents"] } }, 201);
    await made("PUT", "/flags/automatic_incidents", { body: { value: false } });
    // Paused after its deliveries were queued (a paused endpoint is queued nothing new): they wait for it.
    await made("PATCH", `/webhooks/${pausedHook.id}`, { body: { enabled: false } });

    // What waits at export: mail to the held domain, deliveries to the held and the paused endpoint.
    const delivery = await deliveryTables();
    const waiting = delivery.outbox.filter((row) => row.state === "pending" || row.state === "sending");
    expect(new Set(waiting.map((row) => row.channel))).toEqual(new Set(["email", "webhook"]));
    expect(new Set(waiting.filter((r) => r.channel === "webhook").map((r) => r.recipient))).toEqual(
      new Set([heldHook.id, pausedHook.id]),
    );
    expect(delivery.subscribers.map((row) => row.state).sort()).toEqual(["confirmed", "pending"]);
    expect(delivery.delivery_holds).toHaveLength(3);
    expect(delivery.webhooks).toHaveLength(2);
    const secrets = await Promise.all(
      [heldHook.id, pausedHook.id].map(async (id) => (await made("GET", `/webhooks/${id}/secret`)) as unknown),
    );

    const ids = { incidents: [first.id, second.id], maintenance: maintenance.id };
    const before = await everythingVisible(ids);
    const exported = await api("GET", "/export");
    expect(exported.status).toBe(200);
    expect(exported.body).toMatchObject({ format: "lookout.export", version: 1 });
    const auditBefore = (await api("GET", "/audit?limit=200")).body.data;

    await wipePage();
    expect((await api("GET", "/incidents")).body.data).toEqual([]);

    const restored = await api("POST", "/import", { body: exported.body });
    expect(restored.status).toBe(200);
    expect(restored.body.imported).toBeGreaterThan(10);

    const after = await everythingVisible(ids);
    for (const path of Object.keys(before.pages)) expect(after.pages[path], path).toBe(before.pages[path]);
    for (const path of Object.keys(before.answers)) expect(after.answers[path], path).toEqual(before.answers[path]);
    // The audit log comes back too, with the import on top.
    const auditAfter = (await api("GET", "/audit?limit=200")).body.data;
    expect(auditAfter[0].action).toBe("backup.import");
    expect(auditAfter.slice(1)).toEqual(auditBefore);

    // Subscribers, endpoints (secrets and all) and holds come back as they were; what waited is kept, marked
    // dropped and counted, since the original page may have sent it after the export.
    const restoredDelivery = await deliveryTables();
    expect(restoredDelivery.subscribers).toEqual(delivery.subscribers);
    expect(restoredDelivery.webhooks).toEqual(delivery.webhooks);
    expect(restoredDelivery.delivery_holds).toEqual(delivery.delivery_holds);
    expect(restored.body.notSent).toBe(waiting.length);
    const dropped = new Set(waiting.map((row) => row.seq));
    expect(restoredDelivery.outbox).toEqual(
      delivery.outbox.map((row) =>
        dropped.has(row.seq)
          ? { ...row, state: "dropped", last_error: "pending at export: not sent after the restore" }
          : row,
      ),
    );
    for (const [i, id] of [heldHook.id, pausedHook.id].entries()) {
      expect(await made("GET", `/webhooks/${id}/secret`)).toEqual(secrets[i]);
    }
    const holds = await made("GET", "/holds");
    expect(holds.data.map((h: { kind: string; target: string }) => `${h.kind} ${h.target}`).sort()).toEqual(
      [`domain ${heldDomain}`, `webhook ${heldHook.id}`, `webhook ${pausedHook.id}`].sort(),
    );
    expect((await made("GET", `/webhooks/${pausedHook.id}`)).enabled).toBe(false);
  });

  it("refuses to import over a page that is not empty, and documents from a newer schema", async () => {
    const exported = await api("GET", "/export");
    expect(exported.status).toBe(200);
    const busy = await api("POST", "/import", { body: exported.body });
    expect(busy.status).toBe(409);
    expect(busy.body.error.code).toBe("page_not_empty");
    const newer = await api("POST", "/import", { body: { ...exported.body, schemaVersion: 999 } });
    expect(newer.status).toBe(422);
    const malformed = await api("POST", "/import", { body: { format: "something else" } });
    expect(malformed.status).toBe(400);
    // A table no export holds is refused on its own merits: on an empty page, where "not empty" cannot answer first.
    await wipePage();
    const junk = await api("POST", "/import", {
      body: { ...exported.body, tables: { ...exported.body.tables, secrets: { columns: ["a"], rows: [] } } },
    });
    expect(junk.status, JSON.stringify(junk.body)).toBe(422);
    expect(junk.body.error.fields).toEqual([{ path: "tables.secrets", message: "not a table an export holds" }]);
    expect((await api("GET", "/incidents")).body.data).toEqual([]);
  });

  it("restores an export taken before a column was renamed (schema 9's outbox `event` is today's `dedupe_key`)", async () => {
    await wipePage();
    await pinFlags({ new_subscriptions: true });
    const address = `renamed-${crypto.randomUUID().slice(0, 8)}@example.com`;
    expect(await pageObject().subscribe(address, null)).toBe("accepted");
    const exported = await api("GET", "/export");
    expect(exported.status).toBe(200);
    const outbox = exported.body.tables.outbox as { columns: string[]; rows: unknown[][] };
    expect(outbox.rows.length).toBeGreaterThan(0);
    const keys = outbox.rows.map((row) => row[outbox.columns.indexOf("dedupe_key")]);
    const asOfSchema9 = {
      ...exported.body,
      schemaVersion: 9,
      tables: {
        ...exported.body.tables,
        outbox: { ...outbox, columns: outbox.columns.map((c) => (c === "dedupe_key" ? "event" : c)) },
      },
    };
    await wipePage();
    const restored = await api("POST", "/import", { body: asOfSchema9 });
    expect(restored.status, JSON.stringify(restored.body)).toBe(200);
    const after = await runInDurableObject(pageObject(), (_: StatusPage, state) =>
      state.storage.sql.exec<{ dedupe_key: string }>(`SELECT dedupe_key FROM outbox ORDER BY seq`).toArray(),
    );
    expect(after.map((row) => row.dedupe_key)).toEqual(keys);
  });

  it("sends nothing after a restore for what was pending at export: it is dropped and counted", async () => {
    const mail = (env as unknown as { MAIL_SERVERS: MailServerAddresses }).MAIL_SERVERS;
    const receiver = (env as unknown as { WEBHOOK_RECEIVER: string }).WEBHOOK_RECEIVER;
    const hookName = `restore-${crypto.randomUUID().slice(0, 8)}`;
    const address = `${hookName}@example.com`;
    const hooks = async () => (await (await fetch(`${receiver}/received/${hookName}`)).json()) as ReceivedWebhook[];
    const inbox = async () => (await fetch(`${mail.http}/messages?to=${encodeURIComponent(address)}`)).json();

    // Start from an empty page, then queue a mail and a webhook that cannot leave yet (their flags are off).
    await wipePage();
    await pinFlags({
      email_notifications: false,
      webhook_notifications: false,
      automatic_incidents: false,
      new_subscriptions: true,
    });
    const hook = await api("POST", "/webhooks", { body: { url: `${receiver}/hooks/${hookName}` } });
    expect(hook.status).toBe(201);
    expect(await pageObject().subscribe(address, null)).toBe("accepted");
    const old = await api("POST", "/incidents", { body: { name: "Before the backup", message: "Old news." } });
    expect(old.status).toBe(201);
    const exported = await api("GET", "/export");
    expect(exported.status).toBe(200);

    // Restored elsewhere (here: the same page, wiped), with both channels open.
    await wipePage();
    const restored = await api("POST", "/import", { body: exported.body });
    expect(restored.status).toBe(200);
    expect(restored.body.notSent).toBe(2);
    const audit = (await api("GET", "/audit?limit=1")).body.data[0];
    expect(audit).toMatchObject({ action: "backup.import", after: expect.objectContaining({ notSent: 2 }) });
    await pinFlags({ email_notifications: true, webhook_notifications: true });

    // Something new after the restore goes out; nothing older does, in the same alarm run or after.
    const fresh = await api("POST", `/incidents/${old.body.id}/updates`, {
      body: { status: "resolved", message: "After the restore." },
    });
    expect(fresh.status).toBe(201);
    await runDurableObjectAlarm(pageObject());
    await vi.waitFor(async () => expect((await hooks()).length).toBeGreaterThan(0), { timeout: 10_000 });
    await runDurableObjectAlarm(pageObject());
    const delivered = (await hooks()).map((d) => JSON.parse(d.body).incident?.incident_updates?.[0]?.body);
    expect(delivered).toEqual(["After the restore."]);
    // The subscriber's confirmation was pending at export: it is not sent (they can subscribe again).
    expect(await inbox()).toEqual([]);
    const rows = await runInDurableObject(pageObject(), (_: StatusPage, state) =>
      state.storage.sql
        .exec<{ state: string; n: number }>(`SELECT state, COUNT(*) AS n FROM outbox GROUP BY state ORDER BY state`)
        .toArray(),
    );
    expect(rows).toEqual([
      { state: "dropped", n: 2 },
      { state: "sent", n: 1 },
    ]);
  }, 30_000);
  it("catches up after a restore without telling anyone of what happened before it", async () => {
    const mail = (env as unknown as { MAIL_SERVERS: MailServerAddresses }).MAIL_SERVERS;
    const receiver = (env as unknown as { WEBHOOK_RECEIVER: string }).WEBHOOK_RECEIVER;
    const hookName = `catch-up-${crypto.randomUUID().slice(0, 8)}`;
    const address = `${hookName}@example.com`;
    const hooks = async () => (await (await fetch(`${receiver}/received/${hookName}`)).json()) as ReceivedWebhook[];
    const inbox = async () =>
      (await (await fetch(`${mail.http}/messages?to=${encodeURIComponent(address)}`)).json()) as ReceivedMail[];
    const sqlOf = <T>(run: (sql: SqlStorage) => T) =>
      runInDurableObject(pageObject(), (_: StatusPage, state) => run(state.storage.sql));

    // The page as it was when the backup was taken: nothing could leave (both channels closed).
    await wipePage();
    await pinFlags({
      email_notifications: false,
      webhook_notifications: false,
      automatic_incidents: false,
      new_subscriptions: true,
    });
    expect((await api("POST", "/webhooks", { body: { url: `${receiver}/hooks/${hookName}` } })).status).toBe(201);
    expect(await pageObject().subscribe(address, null)).toBe("accepted");
    await sqlOf((sql) => sql.exec(`UPDATE subscribers SET state = 'confirmed'`));
    // (a) a window in progress and one still scheduled at export, both ended before the restore;
    const running = await api("POST", "/maintenances", {
      body: {
        name: "Database upgrade",
        message: "m",
        scheduledFor: minutes(-1),
        scheduledUntil: minutes(30),
        components: ["search"],
      },
    });
    const waiting = await api("POST", "/maintenances", {
      body: {
        name: "Cache flush",
        message: "m",
        scheduledFor: minutes(60),
        scheduledUntil: minutes(90),
        components: ["api"],
      },
    });
    // (c) a window whose reminder was due before the restore (it starts within the hour);
    const soon = await api("POST", "/maintenances", {
      body: {
        name: "Disk swap",
        message: "m",
        scheduledFor: minutes(30),
        scheduledUntil: minutes(45),
        components: ["billing"],
      },
    });
    // (b) an automatic incident that had recovered long enough ago to be resolved.
    const recovered = await api("POST", "/incidents", { body: { name: "Checkout down", message: "Failing." } });
    expect([running.status, waiting.status, soon.status, recovered.status]).toEqual([201, 201, 201, 201]);
    expect(running.body.status).toBe("in_progress");
    await sqlOf((sql) => {
      const hoursAgo = (n: number) => Date.now() - n * 3_600_000;
      sql.exec(`UPDATE incidents SET scheduled_until = ? WHERE id = ?`, hoursAgo(1), running.body.id);
      sql.exec(
        `UPDATE incidents SET scheduled_for = ?, scheduled_until = ? WHERE id = ?`,
        hoursAgo(3),
        hoursAgo(2),
        waiting.body.id,
      );
      sql.exec(
        `UPDATE incidents SET managed_by_monitor = 'checkout', status = 'monitoring', recovered_at = ? WHERE id = ?`,
        hoursAgo(2),
        recovered.body.id,
      );
    });
    const exported = await api("GET", "/export");
    expect(exported.status).toBe(200);

    // Restored into an empty page with both channels open; the heartbeat runs.
    await wipePage();
    expect((await api("POST", "/import", { body: exported.body })).status).toBe(200);
    await pinFlags({ email_notifications: true, webhook_notifications: true, automatic_incidents: false });
    const progress = await pageObject().tick();
    expect(progress.completed.sort()).toEqual([running.body.id, waiting.body.id].sort());
    expect(progress.resolvedIncidents).toEqual([recovered.body.id]);

    // The page has caught up ...
    expect((await api("GET", `/maintenances/${running.body.id}`)).body.status).toBe("completed");
    expect((await api("GET", `/maintenances/${waiting.body.id}`)).body.status).toBe("completed");
    expect((await api("GET", `/incidents/${recovered.body.id}`)).body.status).toBe("resolved");
    const search = await sqlOf(
      (sql) => sql.exec<{ status: string }>(`SELECT status FROM components WHERE id = 'search'`).one().status,
    );
    expect(search).toBe("operational");
    const reminded = await sqlOf(
      (sql) =>
        sql.exec<{ at: number | null }>(`SELECT reminded_at AS at FROM incidents WHERE id = ?`, soon.body.id).one().at,
    );
    expect(reminded).not.toBeNull();

    // ... and only what happens after the restore is told.
    const fresh = await api("POST", "/incidents", { body: { name: "After the restore", message: "New news." } });
    expect(fresh.status).toBe(201);
    // A window announced after the restore is news, even one that began a minute before it.
    const late = await api("POST", "/maintenances", {
      body: {
        name: "Late notice",
        message: "m",
        scheduledFor: minutes(-1),
        scheduledUntil: minutes(30),
        components: ["dashboard"],
      },
    });
    expect(late.status).toBe(201);
    expect(late.body.status).toBe("in_progress");
    await runDurableObjectAlarm(pageObject());
    await vi.waitFor(async () => expect((await hooks()).length).toBeGreaterThanOrEqual(4), { timeout: 10_000 });
    await vi.waitFor(async () => expect((await inbox()).length).toBeGreaterThanOrEqual(3), { timeout: 10_000 });
    await runDurableObjectAlarm(pageObject());
    const told = (await hooks()).map((d) => {
      const payload = JSON.parse(d.body);
      return payload.incident?.name ?? `component ${payload.component?.id}`;
    });
    expect(told.sort()).toEqual(["After the restore", "Late notice", "Late notice", "component dashboard"]);
    expect((await inbox()).map((m) => m.subject).sort()).toEqual([
      "[Investigating] After the restore",
      "[Maintenance] [In progress] Late notice",
      "[Maintenance] [Scheduled] Late notice",
    ]);
  }, 30_000);
});
