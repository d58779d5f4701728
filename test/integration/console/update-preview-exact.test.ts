import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { StatusPage } from "../../../durable-objects/status-page/status-page.ts";
import { defineConfig } from "../../../worker/config/define-config.ts";
import { COMPONENT_STATUS_LABELS, type ComponentStatus } from "../../../worker/core/statuses.ts";
import type { MailServerAddresses, ReceivedMail, ReceivedWebhook } from "../../helpers/target-addresses.ts";
import { api } from "../../helpers/workers/api.ts";
import { signedIn } from "../../helpers/workers/console.ts";
import { declaredThroughApi } from "../../helpers/workers/console-api.ts";
import { pinFlagsForFile } from "../../helpers/workers/flags.ts";
import { reconcileWithMonitorDown } from "../../helpers/workers/monitor-objects.ts";
import { runPageAlarm } from "../../helpers/workers/outbox.ts";
import { addConfirmedSubscriber } from "../../helpers/workers/subscriber-rows.ts";
import { targetUrl } from "../../helpers/workers/targets.ts";
import { pageObject } from "../../helpers/workers/worker.ts";

/**
 * The room's preview against what the posted update really records
 * (review 15, defect 1): the component statuses a resolve hands back (a
 * monitor that still sees trouble wins), their order, and components another
 * open incident holds, internal ones included. Each test previews, posts the
 * same form, then compares the preview with the real update, the real
 * components, the mail the test SMTP server received and the body the
 * webhook receiver was posted.
 */
const bindings = env as unknown as { MAIL_SERVERS: MailServerAddresses; WEBHOOK_RECEIVER: string };
/** The servers outlive this file: the address and the hook are this run's own. */
const run = crypto.randomUUID().slice(0, 8);
const READER = `preview.${run}@example.com`;
const HOOK = `${bindings.WEBHOOK_RECEIVER}/hooks/preview-${run}`;

pinFlagsForFile({ email_notifications: true, webhook_notifications: true });

const config = defineConfig({
  page: { name: "Preview shop", url: "https://status.preview.test" },
  components: [
    { id: "api", name: "REST API" },
    { id: "auth", name: "Login & SSO" },
    { id: "db", name: "Database" },
    { id: "cdn", name: "CDN" },
  ],
  monitors: [{ id: "api-check", url: targetUrl("/status/503"), components: ["api"], failuresToDown: 1 }],
});

beforeAll(async () => {
  await reconcileWithMonitorDown(config, "api-check");
  // A subscriber and an endpoint that follow every component: each update reaches both.
  await addConfirmedSubscriber(READER);
  expect((await api("POST", "/webhooks", { body: { url: HOOK } })).status).toBe(201);
}, 30_000);

/** Runs the page's alarm until `found` finds what an update sent, or gives up (the caller's assertions say so). */
async function delivered<T>(found: () => Promise<T | undefined>, withinMs = 15_000): Promise<T | undefined> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const got = await found();
    if (got !== undefined || Date.now() > deadline) return got;
    await runPageAlarm();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The mail the SMTP server received for the update with these words. */
const mailOf = (words: string) =>
  delivered(async () => {
    const response = await fetch(`${bindings.MAIL_SERVERS.http}/messages?to=${encodeURIComponent(READER)}`);
    return ((await response.json()) as ReceivedMail[]).find((m) => m.text?.includes(words));
  });

/** The body the receiver was posted for the update with these words. */
const webhookOf = (words: string) =>
  delivered(async () => {
    const all = (await (
      await fetch(`${bindings.WEBHOOK_RECEIVER}/received/preview-${run}`)
    ).json()) as ReceivedWebhook[];
    // biome-ignore lint/suspicious/noExplicitAny: a payload is compared field by field.
    const bodies = all.map((d) => JSON.parse(d.body) as any);
    return bodies.find((b) => b.incident?.incident_updates?.[0]?.body === words);
  });

/** A mail's name, facts ("Status", "Impact", "Affects", "Now") and words: all but its date and personal links. */
const mailHead = (text: string) => text.replaceAll("\r\n", "\n").split("\n\n").slice(0, 2).join("\n\n");

const decode = (s: string) =>
  s
    .replaceAll("&quot;", '"')
    .replaceAll("&#39;", "'")
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&amp;", "&");

/** The preview's mail (subject, text, "Now:" line) and its webhook body. */
function previewed(html: string) {
  const subject = /<strong class="mail-subject">([^<]*)<\/strong>/.exec(html)?.[1];
  const mailText = decode(/<pre class="mail-text"[^>]*>([\s\S]*?)<\/pre>/.exec(html)?.[1] ?? "");
  const now = /Now: [^\n]*/.exec(mailText)?.[0];
  const payload = decode(/<pre class="webhook-payload"[^>]*>([\s\S]*?)<\/pre>/.exec(html)?.[1] ?? "null");
  // biome-ignore lint/suspicious/noExplicitAny: a payload is compared field by field.
  const webhook = JSON.parse(payload) as any;
  return { subject: subject && decode(subject), mailText, now, webhook };
}

interface Posted {
  code: string;
  name: string;
  oldStatus: ComponentStatus;
  newStatus: ComponentStatus;
}

async function previewThenPost(id: string, fields: Record<string, string>) {
  const browser = await signedIn();
  await browser.get(`/console/incidents/${id}`);
  const preview = await browser.post(`/console/incidents/${id}/updates`, { action: "preview", ...fields });
  expect(preview.status).toBe(200);
  const seen = previewed(await preview.text());
  const posted = await browser.post(`/console/incidents/${id}/updates`, { action: "post", ...fields });
  expect(posted.status).toBe(303);
  const after = await api("GET", `/incidents/${id}`);
  const update = after.body.updates[0] as { affectedComponents: Posted[] };
  const components = (await api("GET", "/components")).body.data as { id: string; status: string }[];
  const realNow = `Now: ${update.affectedComponents.map((c) => `${c.name}: ${COMPONENT_STATUS_LABELS[c.newStatus]}`).join("; ")}`;
  // What the outbox really sent for it: the same subject, facts and words; the same incident in the webhook.
  const mail = await mailOf(fields.message as string);
  expect(mail?.subject).toBe(seen.subject);
  expect(mailHead(mail?.text ?? "")).toBe(mailHead(seen.mailText));
  const hook = await webhookOf(fields.message as string);
  expect(hook).toBeDefined();
  const sameParts = (payload: typeof hook) => ({
    page: payload.page,
    status: payload.incident.status,
    impact: payload.incident.impact,
    // Each changed component's updated_at is the moment of the post, which a preview can only guess.
    components: payload.incident.components.map(({ updated_at, ...component }: { updated_at: string }) => component),
    affected: payload.incident.incident_updates[0].affected_components,
  });
  expect(sameParts(seen.webhook)).toEqual(sameParts(hook));
  return { seen, update, realNow, statusOf: new Map(components.map((c) => [c.id, c.status])) };
}

/** The webhook body's components the preview shows, with the statuses the page really has after the post. */
function expectSameStatuses(seen: ReturnType<typeof previewed>, statusOf: Map<string, string>) {
  const listed = (seen.webhook.incident.components as { id: string; status: string }[]).map((c) => [c.id, c.status]);
  expect(listed.length).toBeGreaterThan(0);
  expect(listed).toEqual(listed.map(([id]) => [id, statusOf.get(id as string)]));
}

describe("the update preview is what the update posts", { timeout: 60_000 }, () => {
  it("resolving while a monitor still sees the component down: the monitor's status, not operational", async () => {
    const { id } = await declaredThroughApi({
      name: "API down",
      message: "Looking.",
      components: { api: "major_outage" },
    });
    const { seen, update, realNow, statusOf } = await previewThenPost(id, {
      status: "resolved",
      message: "All well.",
      "component.api": "major_outage",
      notify: "on",
    });
    expect(update.affectedComponents.map((c) => [c.code, c.newStatus])).toEqual([["api", "major_outage"]]);
    expect(seen.now).toBe(realNow);
    expectSameStatuses(seen, statusOf);
    expect(seen.webhook.incident.incident_updates[0]?.affected_components).toEqual(
      update.affectedComponents.map((c) => ({
        code: c.code,
        name: c.name,
        old_status: c.oldStatus,
        new_status: c.newStatus,
      })),
    );
  });

  it("a component added in an update: listed in the page's order, as the posted update lists it", async () => {
    const { id } = await declaredThroughApi({
      name: "DB slow",
      message: "Looking.",
      components: { db: "partial_outage" },
    });
    const { seen, update, realNow, statusOf } = await previewThenPost(id, {
      status: "identified",
      message: "Auth too.",
      "component.db": "partial_outage",
      add_component: "auth",
      add_status: "degraded_performance",
      notify: "on",
    });
    expect(update.affectedComponents.map((c) => c.code)).toEqual(["auth", "db"]);
    expect(seen.now).toBe(realNow);
    expectSameStatuses(seen, statusOf);
  });

  it("resolving a component an internal incident still holds: it keeps its status, as the write keeps it", async () => {
    const { id } = await declaredThroughApi({
      name: "CDN down",
      message: "Looking.",
      components: { cdn: "major_outage" },
    });
    const internal = await declaredThroughApi({
      name: "CDN internal investigation",
      message: "Digging.",
      visibility: "internal",
    });
    // An internal incident holds components without moving them, as an automatic one does (componentIds).
    await runInDurableObject(pageObject(), (_: StatusPage, state) => {
      state.storage.sql.exec(
        `INSERT INTO incident_components (incident_id, component_id) VALUES (?, 'cdn')`,
        internal.id,
      );
    });
    const { seen, update, realNow, statusOf } = await previewThenPost(id, {
      status: "resolved",
      message: "Fixed on our side.",
      "component.cdn": "major_outage",
      notify: "on",
    });
    expect(update.affectedComponents.map((c) => [c.code, c.newStatus])).toEqual([["cdn", "major_outage"]]);
    expect(seen.now).toBe(realNow);
    expectSameStatuses(seen, statusOf);
    await api("POST", `/incidents/${internal.id}/updates`, { body: { status: "resolved", message: "Done." } });
  });
});
