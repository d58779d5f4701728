/**
 * `npm start`'s local catcher (scripts/mail-catcher.ts) as an alert channel
 * sees it: a Slack-style endpoint that answers 200 "ok" as Slack does and
 * refuses what Slack refuses, a generic-webhook endpoint that checks the
 * Standard Webhooks signature, and one page that shows both, newest first,
 * beside the mail and subscriber webhooks it already caught. No Lookout runs
 * here: the catcher alone, on free ports.
 */
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CaughtAlert } from "../../scripts/alert-catcher.ts";
import { startMailCatcher } from "../../scripts/mail-catcher.ts";
import { freePort } from "../helpers/node/lookout-process.ts";

const SECRET = `whsec_${Buffer.from("a local pager's signing key, 32 b").toString("base64")}`;
let base: string;
let catcher: { ready: Promise<void>; close(): void };
const printed: string[] = [];

beforeAll(async () => {
  const httpPort = await freePort();
  catcher = startMailCatcher({
    httpPort,
    smtpPort: await freePort(),
    alertSecrets: new Map([["pager", SECRET]]),
    log: (line) => printed.push(line),
  });
  await catcher.ready;
  base = `http://127.0.0.1:${httpPort}`;
});

afterAll(() => catcher?.close());

const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  fetch(`${base}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
const caught = async () => (await (await fetch(`${base}/alerts.json`)).json()) as CaughtAlert[];

const slackMessage = {
  text: "🔴 REST API is down: HTTP 503 from http://127.0.0.1:8790/api/healthCheck",
  blocks: [
    { type: "header", text: { type: "plain_text", text: "REST API is down" } },
    { type: "section", text: { type: "mrkdwn", text: "*Error:* HTTP 503" }, fields: [{ type: "mrkdwn", text: "eu" }] },
    { type: "context", elements: [{ type: "mrkdwn", text: "First failing check 21:40:03" }] },
    {
      type: "actions",
      elements: [
        {
          type: "button",
          text: { type: "plain_text", text: "Acknowledge" },
          url: "http://127.0.0.1:8787/alerts/a1/ack/x",
        },
      ],
    },
  ],
};

function noticesPayload(notice: string, title: string) {
  return JSON.stringify({
    type: "lookout.alerts",
    version: 1,
    page: { name: "Acme Cloud", url: "http://127.0.0.1:8787" },
    channel: "pager",
    thread: "t1",
    notices: [
      {
        alertId: "a1",
        notice,
        kind: "monitor_down",
        severity: "critical",
        title,
        summary: "HTTP 503",
        components: [{ id: "api", name: "REST API" }],
        links: { componentPage: "http://127.0.0.1:8787/components/api", incident: null, acknowledge: null },
      },
    ],
  });
}

describe("the local catcher's alert endpoints", () => {
  it("answers a Slack-shaped message as Slack does and keeps its text and what its blocks say", async () => {
    const answer = await post("/alerts/slack/oncall", JSON.stringify(slackMessage));
    expect(answer.status).toBe(200);
    expect(await answer.text()).toBe("ok");
    const [latest] = await caught();
    expect(latest?.provider).toBe("slack");
    expect(latest?.name).toBe("oncall");
    expect(latest?.text).toBe(slackMessage.text);
    expect(latest?.lines).toEqual([
      "REST API is down",
      "*Error:* HTTP 503",
      "eu",
      "First failing check 21:40:03",
      "[Acknowledge] http://127.0.0.1:8787/alerts/a1/ack/x",
    ]);
    expect(Number.isNaN(Date.parse(latest?.at ?? ""))).toBe(false);
    expect(printed.some((line) => line.includes("slack alert to oncall: 🔴 REST API is down"))).toBe(true);
  });

  it("refuses what Slack refuses: a body that is not JSON, a message with no text", async () => {
    const before = (await caught()).length;
    const notJson = await post("/alerts/slack/oncall", "text=hello");
    expect([notJson.status, await notJson.text()]).toEqual([400, "invalid_payload"]);
    const empty = await post("/alerts/slack/oncall", JSON.stringify({ username: "x" }));
    expect([empty.status, await empty.text()]).toEqual([400, "no_text"]);
    const huge = await post("/alerts/slack/oncall", JSON.stringify({ text: "x".repeat(1_100_000) }));
    expect(huge.status).toBe(413);
    const unknown = await post("/alerts/teletype/oncall", JSON.stringify({ text: "x" }));
    expect(unknown.status).toBe(404);
    expect((await caught()).length).toBe(before);
  });

  it("checks a generic webhook's signature against the channel's secret", async () => {
    const body = noticesPayload("trigger", "REST API is down");
    const seconds = Math.floor(Date.now() / 1000);
    const signature = new Webhook(SECRET).sign("msg_1", new Date(seconds * 1000), body);
    const signed = await post("/alerts/webhook/pager", body, {
      "webhook-id": "msg_1",
      "webhook-timestamp": String(seconds),
      "webhook-signature": signature,
    });
    expect(signed.status).toBe(204);
    const forged = await post("/alerts/webhook/pager", body, {
      "webhook-id": "msg_2",
      "webhook-timestamp": String(seconds),
      "webhook-signature": "v1,AAAA",
    });
    expect(forged.status).toBe(204);
    const elsewhere = await post("/alerts/webhook/other", noticesPayload("resolve", "REST API recovered"));
    expect(elsewhere.status).toBe(204);
    const notOurs = await post("/alerts/webhook/pager", JSON.stringify({ hello: "world" }));
    expect(notOurs.status).toBe(400);

    const [other, bad, good] = await caught();
    expect(good?.verified).toBe(true);
    expect(good?.text).toBe("trigger: REST API is down");
    expect(good?.lines[0]).toContain("[trigger] REST API is down\n  HTTP 503\n  components: REST API");
    expect(bad?.verified).toBe(false);
    expect(other?.verified).toBeNull();
    expect(other?.text).toBe("resolve: REST API recovered");
  });

  it("shows the alerts on the page, newest first, with the time each arrived, beside mail and webhooks", async () => {
    const subscriberHook = await post("/webhooks/demo", JSON.stringify({ meta: { event_type: "incident.updated" } }));
    expect(subscriberHook.status).toBe(204);
    const html = await (await fetch(`${base}/`)).text();
    const alerts = await caught();
    expect(html).toContain('<h1 id="alerts">');
    expect(html).toContain('<h1 id="mail">');
    expect(html).toContain('<h1 id="webhooks">');
    // Newest first: the order of the JSON list, which is the order they arrived in reverse.
    const positions = alerts.map((alert) => html.indexOf(alert.at));
    expect(positions.every((at) => at > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(alerts.map((alert) => alert.at)).toEqual([...alerts.map((alert) => alert.at)].sort().reverse());
    expect(html).toContain("signature verified");
    expect(html).toContain("signature DOES NOT verify");
    // The acknowledge button's link can be followed from the page.
    expect(html).toContain('<a href="http://127.0.0.1:8787/alerts/a1/ack/x">');
    // Markup in a message is shown, never run.
    await post("/alerts/slack/oncall", JSON.stringify({ text: "<script>alert(1)</script>" }));
    const after = await (await fetch(`${base}/`)).text();
    expect(after).not.toContain("<script>alert(1)</script>");
    expect(after).toContain("&lt;script&gt;");
    const hooks = (await (await fetch(`${base}/webhooks.json`)).json()) as { path: string }[];
    expect(hooks.map((hook) => hook.path)).toEqual(["/webhooks/demo"]);
  });
});
