import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { renderMails } from "../../durable-objects/status-page/mail-deliveries.ts";
import type { StatusPage } from "../../durable-objects/status-page/status-page.ts";
import { createApp } from "../../worker/app.tsx";
import { defineConfig } from "../../worker/config/define-config.ts";
import { CONFIRM_LINK_MS, confirmPath, managePath } from "../../worker/core/subscribers/links.ts";
import { LINK_SECRET_FOR_TESTS } from "../helpers/test-secrets.ts";
import { api } from "../helpers/workers/api.ts";
import { pinFlagsForFile } from "../helpers/workers/flags.ts";
import { kick } from "../helpers/workers/kicks.ts";
import { runGroup } from "../helpers/workers/monitor-objects.ts";
import { targetUrl } from "../helpers/workers/targets.ts";
import { pageObject } from "../helpers/workers/worker.ts";

/**
 * A hidden component (`hidden: true`, e.g. a provider you follow but do not
 * name to customers) is on no public surface: not on the page, not at its
 * own address, not in any event, feed, Statuspage JSON, subscription picker,
 * mail or webhook; it does not set the page's indicator, and a public
 * incident Lookout opens for a provider's trouble names it nowhere (decision
 * 0043). The communicator API still sees it. The walk below takes the Worker's own route table, so a
 * public route added later is fetched here too (decision 0042).
 */

const run = crypto.randomUUID().slice(0, 8);
const providerUrl = targetUrl(`/provider/${run}-hidden`);
/** A provider the page names (a visible component mirrors it), whose trouble reaches hidden components too. */
const partnerUrl = targetUrl(`/provider/${run}-partner~Partner%20Cloud`);
const receiver = (env as unknown as { WEBHOOK_RECEIVER: string }).WEBHOOK_RECEIVER;

const HIDDEN = "secret-vendor";
/** Every word that would give the hidden component away: its id, its name, its group's and its provider's. */
const SECRETS = [
  HIDDEN,
  "Secret Vendor LLC",
  "Quiet vendors",
  "Instructure",
  "Hidden Twin Mirror",
  "Backoffice Ledger",
];

const app = createApp({ freshMs: 0, maxStaleMs: 0, sharedCache: () => null });
const get = (path: string, init: RequestInit = {}) => app.request(`https://status.test${path}`, init, env);

type Row = Record<string, SqlStorageValue>;
const query = (sql: string, ...params: SqlStorageValue[]) =>
  runInDurableObject(pageObject(), (_: StatusPage, state) => state.storage.sql.exec<Row>(sql, ...params).toArray());

async function provider(scenario: string, url = providerUrl): Promise<void> {
  expect((await fetch(`${url}/${scenario}`, { method: "POST" })).status).toBe(200);
}

async function setUp(): Promise<void> {
  await provider("incident");
  await pageObject().reconcile(
    defineConfig({
      page: { name: "Shop", url: "https://status.shop.test" },
      groups: [
        { id: "vendors", name: "Quiet vendors" },
        { id: "core", name: "Core" },
      ],
      components: [
        { id: HIDDEN, name: "Secret Vendor LLC", group: "vendors", hidden: true },
        { id: "app", name: "App", group: "core", dependsOn: [HIDDEN] },
        { id: "web", name: "Website" },
        { id: "partner", name: "Partner API", group: "core" },
        { id: "twin", name: "Hidden Twin Mirror", group: "vendors", hidden: true },
        { id: "ledger", name: "Backoffice Ledger", group: "vendors", hidden: true, dependsOn: ["partner"] },
      ],
      monitors: [
        {
          id: "vendor-status",
          kind: "statuspage",
          url: providerUrl,
          providerComponents: ["Canvas"],
          components: [HIDDEN],
          intervalSeconds: 3600,
        },
        {
          id: "partner-status",
          kind: "statuspage",
          url: partnerUrl,
          providerComponents: ["Canvas"],
          components: ["partner", "twin"],
          intervalSeconds: 3600,
          incident: "public",
        },
      ],
    }),
  );
  await kick();
}

/** Fills a route's parameters with real addresses; a route this test does not know fails it, to be taught here. */
function addresses(
  path: string,
  known: { incident: string; providerIncident: string; maintenance: string; manage: string; confirm: string },
) {
  const fixed: Record<string, string[]> = {
    "/components/:id": [`/components/${HIDDEN}`, "/components/app"],
    "/components/:id/history.rss": [`/components/${HIDDEN}/history.rss`, "/components/app/history.rss"],
    "/components/:id/history.atom": [`/components/${HIDDEN}/history.atom`, "/components/app/history.atom"],
    "/incidents/:id": [`/incidents/${known.incident}`, `/incidents/${known.providerIncident}`],
    "/maintenances/:id": [`/maintenances/${known.maintenance}`],
    "/subscriptions/:id/:mac": [known.manage],
    "/subscriptions/:id/:mac/unsubscribe": [`${known.manage}/unsubscribe`],
    "/subscriptions/:id/confirm/:expires/:mac": [known.confirm],
  };
  if (fixed[path]) return fixed[path];
  expect(path, `a public route with parameters this test cannot fill: ${path}`).not.toContain(":");
  return [path];
}

/** Surfaces for the team, not the public: the communicator API, the console, heartbeats, alert acknowledgements. */
const teamOnly = (path: string) => /^\/(api\/v1|console|heartbeat|alerts)\b/.test(path) || path.includes("*");

pinFlagsForFile({ probing: true, new_subscriptions: true, provider_outages: true });

describe("a hidden component", () => {
  it("is on no public surface, not even inside the events that touch it, and the API still sees it", async () => {
    await setUp();
    await runGroup("vendor-status");
    // The provider is in trouble and the component mirrors it, out of sight.
    expect((await query(`SELECT status FROM components WHERE id = ?`, HIDDEN))[0]?.status).toBe("partial_outage");
    // A webhook endpoint that follows every component.
    const hook = await api("POST", "/webhooks", { body: { url: `${receiver}/hooks/hidden-${run}` } });
    expect(hook.status, JSON.stringify(hook.body)).toBe(201);

    // Before any incident: the page's indicator is not driven by the hidden component's outage.
    const status = (await (await get("/api/v2/status.json")).json()) as { status: { indicator: string } };
    expect(status.status.indicator).toBe("none");

    // The provider recovers: the hidden component changes, and no webhook is queued for it.
    await provider("resolved");
    await runGroup("vendor-status");
    expect((await query(`SELECT status FROM components WHERE id = ?`, HIDDEN))[0]?.status).toBe("operational");
    const queuedForHidden = await query(
      `SELECT o.seq FROM outbox o JOIN component_status_history h ON h.seq = CAST(o.ref AS INTEGER)
       WHERE o.channel = 'webhook' AND o.kind = 'component' AND h.component_id = ?`,
      HIDDEN,
    );
    expect(queuedForHidden).toEqual([]);

    // A provider the page names is in trouble: Lookout opens a public incident for it (decision 0043), whose words
    // reach hidden components too (the twin mirrors it, the ledger depends on it). The walk below reads them.
    await provider("incident", partnerUrl);
    await runGroup("partner-status");
    const providerIncident = await query(
      `SELECT id, visibility FROM incidents WHERE managed_by_monitor = 'partner-status'`,
    );
    expect(providerIncident.map((i) => i.visibility)).toEqual(["public"]);

    // A subscriber of App, and one who tries to pick the hidden component.
    const form = (components: string[]) =>
      get("/subscribe", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams([["email", "reader@example.com"], ...components.map((c) => ["components", c])]),
      });
    expect((await form([HIDDEN])).status).toBe(400);
    expect((await form(["app"])).status).toBe(200);
    const subscriber = String((await query(`SELECT id FROM subscribers`))[0]?.id);
    const confirm = await confirmPath(LINK_SECRET_FOR_TESTS, subscriber, Date.now() + CONFIRM_LINK_MS);
    expect((await get(confirm, { method: "POST", redirect: "manual" })).status).toBe(303);

    // Events that touch it and a visible component alike.
    const incident = await api("POST", "/incidents", {
      body: {
        name: "Checkout trouble",
        message: "Payments fail for some.",
        components: { [HIDDEN]: "major_outage", app: "degraded_performance" },
      },
    });
    expect(incident.status, JSON.stringify(incident.body)).toBe(201);
    const maintenance = await api("POST", "/maintenances", {
      body: {
        name: "Vendor switch",
        message: "Moving things.",
        scheduledFor: new Date(Date.now() + 3_600_000).toISOString(),
        scheduledUntil: new Date(Date.now() + 7_200_000).toISOString(),
        components: [HIDDEN, "app"],
      },
    });
    expect(maintenance.status, JSON.stringify(maintenance.body)).toBe(201);

    // The communicator API sees it, in the incident and among the monitors.
    const seen = await api("GET", `/incidents/${incident.body.id}`);
    expect(seen.body.componentIds).toEqual(expect.arrayContaining([HIDDEN, "app"]));
    expect(JSON.stringify(seen.body.updates)).toContain("Secret Vendor LLC");
    expect(JSON.stringify((await api("GET", "/monitors")).body)).toContain(HIDDEN);

    // Every public GET route of the Worker, each with real addresses.
    const known = {
      incident: String(incident.body.id),
      providerIncident: String(providerIncident[0]?.id),
      maintenance: String(maintenance.body.id),
      manage: await managePath(LINK_SECRET_FOR_TESTS, subscriber),
      confirm,
    };
    const routes = [...new Set(app.routes.filter((r) => r.method === "GET").map((r) => r.path))].filter(
      (path) => !teamOnly(path),
    );
    const walked: string[] = [];
    for (const route of routes) {
      for (const path of addresses(route, known)) {
        const response = await get(path);
        const body = await response.text();
        if (path.startsWith(`/components/${HIDDEN}`)) {
          expect(response.status, path).toBe(404);
        } else {
          // A page or a redirect to one (a GET of an unsubscribe link shows the manage page).
          expect(response.status, path).toBeLessThan(400);
        }
        for (const secret of SECRETS) expect(body, `${path} names "${secret}"`).not.toContain(secret);
        walked.push(path);
      }
    }
    // The walk reached the surfaces that show components and events (a sanity check on the route table).
    expect(walked).toEqual(
      expect.arrayContaining([
        "/",
        "/history",
        "/history.rss",
        "/history.atom",
        "/api/v2/summary.json",
        "/api/v2/components.json",
        "/api/v2/incidents.json",
        "/api/v2/scheduled-maintenances/upcoming.json",
        `/incidents/${known.incident}`,
        known.manage,
      ]),
    );
    // The visible component is there, so the checks above are not passing on an empty page.
    const summary = (await (await get("/api/v2/summary.json")).json()) as {
      components: { id: string }[];
      incidents: {
        id: string;
        name: string;
        components: { id: string }[];
        incident_updates: { affected_components: { code: string }[] }[];
      }[];
    };
    expect(summary.components.map((c) => c.id)).toEqual(expect.arrayContaining(["app", "web"]));
    const ours = summary.incidents.find((i) => i.id === known.incident);
    expect(ours?.components.map((c) => c.id)).toEqual(["app"]);
    expect(ours?.incident_updates[0]?.affected_components.map((c) => c.code)).toEqual(["app"]);
    // The provider's public incident is there, naming its provider and the visible component only.
    const theirs = summary.incidents.find((i) => i.id === known.providerIncident);
    expect(theirs?.name).toMatch(/^Partner Cloud: /);
    expect(theirs?.components.map((c) => c.id)).toEqual(["partner"]);
    expect(JSON.stringify(theirs)).toContain("Partner API (mirrors it)");

    // The mails the subscriber of App gets name App and nothing hidden.
    const mails = await runInDurableObject(pageObject(), async (_: StatusPage, state) => {
      const rows = state.storage.sql
        .exec<{ seq: number; channel: string; recipient: string; dedupe_key: string; kind: string; ref: string }>(
          `SELECT * FROM outbox WHERE channel = 'email' AND kind = 'update' AND recipient = ?`,
          subscriber,
        )
        .toArray()
        .map((r) => ({ ...r, dedupeKey: r.dedupe_key, attempts: 0 }));
      return renderMails(state.storage.sql, env as unknown as Env, rows, Date.now());
    });
    // One for the incident, one for the maintenance: both touch App.
    expect(mails).toHaveLength(2);
    for (const sent of mails) {
      const mail = JSON.stringify(sent);
      expect(mail).toContain("Affects: App");
      for (const secret of SECRETS) expect(mail).not.toContain(secret);
    }
  });
});
