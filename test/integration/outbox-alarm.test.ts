import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { StatusPage } from "../../durable-objects/status-page/status-page.ts";
import type { ReceivedWebhook } from "../helpers/target-addresses.ts";
import { api } from "../helpers/workers/api.ts";
import { pinFlagsForFile } from "../helpers/workers/flags.ts";
import { kick } from "../helpers/workers/kicks.ts";
import { monitorReport } from "../helpers/workers/monitor-report.ts";
import { webhooksInFlight } from "../helpers/workers/outbox.ts";
import { pageObject } from "../helpers/workers/worker.ts";

/**
 * Whatever write puts a delivery in the outbox also makes sure the
 * StatusPage's alarm comes for it: a monitor's status change that opens no
 * incident reaches its webhook followers within seconds, not at the next cron
 * minute (which never comes here: no test below calls the scheduled handler
 * or tick).
 */
const receiver = (env as unknown as { WEBHOOK_RECEIVER: string }).WEBHOOK_RECEIVER;
const run = crypto.randomUUID().slice(0, 8);

async function received(name: string): Promise<ReceivedWebhook[]> {
  return (await (await fetch(`${receiver}/received/${name}-${run}`)).json()) as ReceivedWebhook[];
}

async function alarmAt(): Promise<number | null> {
  return runInDurableObject(pageObject(), (_: StatusPage, state) => state.storage.getAlarm());
}

// No probes (the deployed config's targets do not run here) and no automatic incidents: only the report below.
pinFlagsForFile({ probing: false, automatic_incidents: false, webhook_notifications: true });

describe("a monitor-only status change", () => {
  it("reaches a webhook receiver within seconds, through the alarm, without a cron tick", async () => {
    const registered = await api("POST", "/webhooks", {
      body: { url: `${receiver}/hooks/slack-${run}`, components: ["slack"] },
    });
    expect(registered.status).toBe(201);
    // Let the page's alarm finish what it has (starting Monitor objects), so none is left pending.
    await kick();
    await runDurableObjectAlarm(pageObject());
    expect(await alarmAt()).toBeNull();

    const now = Date.now();
    const outcome = await pageObject().reportMonitor(
      monitorReport("slack", now, "down", {
        from: "up",
        to: "down",
        at: now,
        summary: "unexpected status 503",
        firstFailure: null,
      }),
    );
    expect(outcome.incidentId).toBeNull();
    expect(outcome.changes.map((c) => c.code)).toEqual(["slack"]);
    // Alarms fire on their own here as in production: wait for the receiver, never call tick().
    const deadline = Date.now() + 5_000;
    let got = await received("slack");
    while (got.length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      got = await received("slack");
    }
    // Nothing more once the outbox is done with the endpoint (a condition, not a pause).
    const deadlineDrained = Date.now() + 10_000;
    while ((await webhooksInFlight(`${receiver}/hooks/slack-${run}`)) > 0 && Date.now() < deadlineDrained) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    got = await received("slack");
    expect(got).toHaveLength(1);
    const payload = JSON.parse(got[0]?.body ?? "{}");
    expect(payload.component_update ?? payload.component).toBeDefined();
    expect(JSON.stringify(payload)).toContain("partial_outage");
  }, 20_000);
});
