import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Monitor } from "../../durable-objects/monitor/monitor.ts";
import type { StatusPage } from "../../durable-objects/status-page/status-page.ts";
import { defineConfig } from "../../worker/config/define-config.ts";
import { resolveFlags } from "../../worker/core/flags.ts";
import { flagRunOf, flagValuesFor } from "../helpers/flag-runs.ts";
import type { MailServerAddresses, ReceivedMail, ReceivedWebhook } from "../helpers/target-addresses.ts";
import { api } from "../helpers/workers/api.ts";
import { kick } from "../helpers/workers/kicks.ts";
import {
  inspectMonitor,
  monitorObjectOf,
  reconcileWithMonitorDown,
  runGroup,
} from "../helpers/workers/monitor-objects.ts";
import { mailInFlight, settleOutbox, webhooksInFlight } from "../helpers/workers/outbox.ts";
import { addConfirmedSubscriber } from "../helpers/workers/subscriber-rows.ts";
import { targetUrl } from "../helpers/workers/targets.ts";
import { fetchWorker, pageObject } from "../helpers/workers/worker.ts";

/**
 * The integration tests run three times with different flag values
 * (vitest.config.ts, test/helpers/flag-runs.ts). This file makes sure each run
 * is what it claims: the values reach the Worker, the StatusPage object and a
 * Monitor object, and every flag does, in this run, what its value says. No
 * flag is pinned here except where a test needs another flag to watch one
 * (probing, to see an outage happen); those pins are put back.
 */
const run = flagRunOf(env);
const expected = flagValuesFor(run);
/** The receivers outlive a run and serve all three: every name is this run's own. */
const key = `${run}-${crypto.randomUUID().slice(0, 8)}`;
const receiver = (env as unknown as { WEBHOOK_RECEIVER: string }).WEBHOOK_RECEIVER;
const mail = (env as unknown as { MAIL_SERVERS: MailServerAddresses }).MAIL_SERVERS;

const config = defineConfig({
  page: { name: "Flag runs", url: "https://status.flag-runs.test" },
  components: [
    { id: "api", name: "API" },
    { id: "db", name: "Database" },
  ],
  monitors: [
    { id: "flag-probe", url: targetUrl("/healthy"), components: ["api"] },
    { id: "flag-outage", url: targetUrl("/status/500"), components: ["db"], failuresToDown: 1 },
  ],
});

type Row = Record<string, SqlStorageValue>;
function query(sql: string, ...params: SqlStorageValue[]): Promise<Row[]> {
  return runInDurableObject(pageObject(), (_: StatusPage, state) =>
    state.storage.sql.exec<Row>(sql, ...params).toArray(),
  );
}

async function declare(name: string): Promise<string> {
  const response = await api("POST", "/incidents", { body: { name, message: `${name}: looking into it.` } });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return String(response.body.id);
}

describe(`the ${run} run`, () => {
  it("is what it claims: production's own defaults, or every flag one way", () => {
    if (run === "production-defaults") {
      expect(expected).toEqual(resolveFlags("production", {}));
      expect(expected.automatic_incidents).toBe(false);
    } else {
      expect(new Set(Object.values(expected))).toEqual(new Set([run === "all-on"]));
    }
  });

  it("gives its flag values to the Worker, the StatusPage object and a Monitor object", async () => {
    // The Worker's own bindings, as wrangler.toml would set them.
    expect(resolveFlags(env.ENVIRONMENT, env as unknown as Record<string, unknown>)).toEqual(expected);
    // Through the Worker's API, answered by the StatusPage object: no override, the run's values.
    const listed = await api("GET", "/flags");
    expect(listed.status).toBe(200);
    const flags = listed.body.data as { name: string; value: boolean; default: boolean; override: unknown }[];
    expect(Object.fromEntries(flags.map((f) => [f.name, f.value]))).toEqual(expected);
    expect(Object.fromEntries(flags.map((f) => [f.name, f.default]))).toEqual(expected);
    expect(flags.map((f) => f.override)).toEqual(flags.map(() => null));
    // Inside the StatusPage object.
    expect(await runInDurableObject(pageObject(), (instance: StatusPage) => instance.flagValues())).toEqual(expected);
    // Inside a Monitor object: its own bindings, and the `probing` value the StatusPage object pushed to it.
    await pageObject().reconcile(config);
    await kick();
    const seen = await runInDurableObject(await monitorObjectOf("flag-probe"), (instance: Monitor, state) => {
      const own = (instance as unknown as { env: Env }).env;
      const pushed = state.storage.sql.exec<{ value: string }>(`SELECT value FROM meta WHERE key = 'probing'`).one();
      return {
        bindings: resolveFlags(own.ENVIRONMENT, own as unknown as Record<string, unknown>),
        probing: pushed.value,
      };
    });
    expect(seen).toEqual({ bindings: expected, probing: expected.probing ? "1" : "0" });
  });

  it(`${expected.probing ? "runs" : "skips"} a monitor's check (probing ${expected.probing ? "on" : "off"})`, async () => {
    await pageObject().reconcile(config);
    await kick();
    await runGroup("flag-probe");
    expect((await inspectMonitor("flag-probe")).samples).toBe(expected.probing ? 1 : 0);
  });

  it(`${expected.new_subscriptions ? "takes" : "pauses"} subscriptions (new_subscriptions ${expected.new_subscriptions ? "on" : "off"})`, async () => {
    const address = `flags.${key}@example.com`;
    const response = await fetchWorker("/subscribe", {
      method: "POST",
      headers: { "content-type": "application/json", "cf-connecting-ip": "203.0.113.77" },
      body: JSON.stringify({ email: address }),
    });
    expect(response.status).toBe(expected.new_subscriptions ? 202 : 503);
    const stored = await query(`SELECT 1 FROM subscribers WHERE address = ?`, address);
    expect(stored).toHaveLength(expected.new_subscriptions ? 1 : 0);
  });

  it(`${expected.webhook_notifications ? "sends" : "holds"} webhooks (webhook_notifications ${expected.webhook_notifications ? "on" : "off"})`, async () => {
    const url = `${receiver}/hooks/flags-${key}`;
    const registered = await api("POST", "/webhooks", { body: { url } });
    expect(registered.status).toBe(201);
    const incidentId = await declare("Webhook flag");
    await settleOutbox(() => webhooksInFlight(url));
    const got = (await (await fetch(`${receiver}/received/flags-${key}`)).json()) as ReceivedWebhook[];
    const about = got.filter((d) => d.body.includes(incidentId));
    expect(about).toHaveLength(expected.webhook_notifications ? 1 : 0);
    const rows = await query(`SELECT state FROM outbox WHERE recipient = ?`, String(registered.body.id));
    expect(rows.length).toBeGreaterThan(0);
    if (!expected.webhook_notifications) expect(rows.every((r) => r.state === "pending")).toBe(true);
  });

  it(`${expected.email_notifications ? "sends" : "holds"} mail (email_notifications ${expected.email_notifications ? "on" : "off"})`, async () => {
    const address = `mail.${key}@example.com`;
    // Only the update's mail is watched here.
    await addConfirmedSubscriber(address);
    await declare("Mail flag");
    await settleOutbox(() => mailInFlight(address));
    const inbox = (await (
      await fetch(`${mail.http}/messages?to=${encodeURIComponent(address)}`)
    ).json()) as ReceivedMail[];
    expect(inbox.map((m) => m.subject)).toEqual(expected.email_notifications ? ["[Investigating] Mail flag"] : []);
    // Held, not lost: with the flag off the update's mail waits in the outbox.
    const rows = await query(
      `SELECT o.state FROM outbox o JOIN subscribers s ON s.id = o.recipient WHERE s.address = ? AND o.kind = 'update'`,
      address,
    );
    expect(rows.map((r) => r.state)).toEqual([expected.email_notifications ? "sent" : "pending"]);
  });
});

describe(`a monitor that goes down in the ${run} run`, () => {
  /** Takes the outage monitor down with real checks (probing pinned on for this, then put back). */
  async function outage() {
    await reconcileWithMonitorDown(config, "flag-outage");
    const snapshot = await pageObject().snapshot();
    expect(snapshot.components.find((c) => c.id === "db")?.status).toBe("major_outage");
    const [row] = await query(`SELECT COUNT(*) AS n FROM incident_components WHERE component_id = 'db'`);
    const audit = await query(`SELECT target FROM audit_log WHERE action = 'incident.auto'`);
    return { incidents: Number(row?.n), automatic: audit.length };
  }

  it.runIf(!expected.automatic_incidents)(
    "opens no incident while automatic incidents are off: the component shows the outage, nobody is told more",
    async () => {
      expect(await outage()).toEqual({ incidents: 0, automatic: 0 });
    },
  );

  it.runIf(expected.automatic_incidents)("opens an incident while automatic incidents are on", async () => {
    expect(await outage()).toEqual({ incidents: 1, automatic: 1 });
  });
});
