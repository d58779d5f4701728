import { runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { StatusPage } from "../../../durable-objects/status-page/status-page.ts";
import { changeTo } from "../../helpers/workers/alerts.ts";
import { api } from "../../helpers/workers/api.ts";
import { type ConsoleBrowser, signedIn, signedInAs } from "../../helpers/workers/console.ts";
import { declaredThroughApi } from "../../helpers/workers/console-api.ts";
import { consoleShop } from "../../helpers/workers/console-shop.ts";
import { withFlags } from "../../helpers/workers/flags.ts";
import { reconcileWithMonitorDown } from "../../helpers/workers/monitor-objects.ts";
import { targetUrl } from "../../helpers/workers/targets.ts";
import { pageObject } from "../../helpers/workers/worker.ts";

/**
 * The dashboard: every component (hidden ones marked) with its monitors'
 * state, a failing monitor's Declare link for roles that may declare, what is
 * open, and what is held or switched off, each part only for a role that may
 * read it. A failing monitor is made to fail for real: its probe reaches the
 * local targets server's /status/503.
 */
const config = consoleShop([
  { id: "vault-run", kind: "heartbeat", components: ["vault"], intervalSeconds: 60, graceSeconds: 30 },
  // Three regions, quorum 2 (a majority): the test speaks for each region (a heartbeat: nothing is probed).
  {
    id: "edge-run",
    kind: "heartbeat",
    components: ["auth"],
    regions: ["weur", "enam", "apac"],
    intervalSeconds: 3600,
    graceSeconds: 86_400,
  },
  { id: "canary-check", role: "canary", url: targetUrl("/healthy") },
]);

const page = (browser: ConsoleBrowser) => browser.page("/console");

beforeAll(() => reconcileWithMonitorDown(config, "api-check", ["auth-check"]), 30_000);

describe("the console's dashboard", () => {
  it("shows every component, hidden ones marked, with its monitors' state and a Declare link on the failing one", async () => {
    const html = await page(await signedIn());
    expect(html).toContain("Public page:");
    expect(html).toContain("REST API");
    expect(html).toMatch(/Secret vault<\/strong><span class="tag">Hidden<\/span>/);
    expect(html).toMatch(/api-check: <strong>Down<\/strong> since <time/);
    expect(html).toContain("last error: ");
    expect(html).toContain("503");
    expect(html).toMatch(/auth-check: <strong>Up<\/strong>/);
    expect(html).toMatch(/vault-run: <strong>No data<\/strong>/);
    expect(html).toContain('href="/console/incidents/new?monitor=api-check"');
    expect(html).not.toContain("/console/incidents/new?monitor=auth-check");
    // A canary drives no component, and is still listed.
    expect(html).toMatch(
      /Monitors of no component<\/h3><ul class="monitors"><li class="monitor monitor-(up|no_data)"><span>canary-check:/,
    );
  });

  it("lists open incidents, internal ones marked, each a link to its room, and open alerts with a link to acknowledge", async () => {
    const internal = await declaredThroughApi({
      name: "Quiet database worry",
      message: "Team only.",
      visibility: "internal",
      severity: "minor",
    });
    const html = await page(await signedIn());
    expect(html).toContain(`<a href="/console/incidents/${internal.id}">Quiet database worry</a>`);
    expect(html).toMatch(/<strong class="tag">Internal<\/strong> Minor · investigating/);
    expect(html).toContain('<h2 id="open-alerts">Open alerts</h2>');
    expect(html).toContain('href="/console/alerts"');
  });

  it("shows what is held or switched off: an overridden flag, a held domain", async () => {
    expect((await api("PUT", "/holds/domains/held.example")).status).toBe(200);
    try {
      await withFlags({ new_subscriptions: false }, async () => {
        const html = await page(await signedIn());
        expect(html).toContain("Held or switched off");
        expect(html).toMatch(/Flag <code>new_subscriptions<\/code> is off/);
        expect(html).toContain("Deliveries held for domain <code>held.example</code>");
      });
    } finally {
      await api("DELETE", "/holds/domains/held.example?pending=send");
    }
  });

  it("shows a disabled webhook to an admin by its origin only, as the webhooks page does (a chat URL's path is a secret)", async () => {
    const secret = `hook-${crypto.randomUUID().slice(0, 8)}`;
    const url = `${targetUrl(`/healthy/${secret}`)}?token=${secret}`;
    const hook = await api("POST", "/webhooks", { body: { url } });
    expect(hook.status).toBe(201);
    expect((await api("PATCH", `/webhooks/${hook.body.id}`, { body: { enabled: false } })).status).toBe(200);
    try {
      const html = await page(await signedIn());
      expect(html).toContain(`Webhook <code>${new URL(url).origin}</code> is disabled`);
      expect(html).not.toContain(secret);
    } finally {
      await api("DELETE", `/webhooks/${hook.body.id}`);
    }
  });

  it("calls a monitor Down only when a quorum of its regions agrees, as Lookout's alerts and components do", async () => {
    const object = pageObject();
    for (const region of ["weur", "enam", "apac"]) await object.reportMonitor(changeTo("edge-run", "up", region));
    await object.reportMonitor(changeTo("edge-run", "down", "weur"));
    try {
      // One region of three: Lookout says up (its components are untouched), and so does the dashboard.
      const oneDown = await page(await signedIn());
      expect(oneDown).toMatch(/edge-run: <strong>Up<\/strong>/);
      expect(oneDown).toContain("weur: down");
      expect(oneDown).not.toContain("/console/incidents/new?monitor=edge-run");
      await object.reportMonitor(changeTo("edge-run", "down", "apac"));
      // Two of three: a quorum, Down and one click from declaring.
      const twoDown = await page(await signedIn());
      expect(twoDown).toMatch(/edge-run: <strong>Down<\/strong> since <time/);
      expect(twoDown).toContain('href="/console/incidents/new?monitor=edge-run"');
    } finally {
      for (const region of ["weur", "apac"]) await object.reportMonitor(changeTo("edge-run", "up", region));
    }
  });

  it("lists the soonest upcoming maintenance windows, however many are scheduled, on the dashboard and the maintenances page", async () => {
    // One more than the maintenances page reads: the furthest window, not the soonest, is the one left out.
    const hour = 3_600_000;
    const start = Date.now() + 24 * hour;
    for (let i = 0; i < 101; i++) {
      const made = await api("POST", "/maintenances", {
        body: {
          name: i === 0 ? "Soonest window" : `Planned window ${i}`,
          message: "Planned.",
          components: ["api"],
          scheduledFor: new Date(start + i * 2 * hour).toISOString(),
          scheduledUntil: new Date(start + i * 2 * hour + hour).toISOString(),
        },
      });
      expect(made.status).toBe(201);
    }
    const browser = await signedIn();
    const html = await page(browser);
    const section = html.slice(html.indexOf('id="maintenances"'), html.indexOf('id="held"'));
    const names = [...section.matchAll(/<li><span>([^<]*)/g)].map((m) => m[1]);
    expect(names.slice(0, 3)).toEqual(["Soonest window", "Planned window 1", "Planned window 2"]);
    const list = await (await browser.get("/console/maintenances")).text();
    const upcoming = list.slice(list.indexOf('id="upcoming"'), list.indexOf('id="in-progress"'));
    const listed = [...upcoming.matchAll(/<a href="\/console\/maintenances\/[^"]+">([^<]*)<\/a>/g)].map((m) => m[1]);
    expect(listed.slice(0, 2)).toEqual(["Soonest window", "Planned window 1"]);
    expect(listed).toHaveLength(100);
  }, 120_000);

  it("counts bounced addresses under held or switched off, linking to them, for a role with the subscribers scope", async () => {
    const address = `gone-${crypto.randomUUID().slice(0, 8)}@bounced.example`;
    await runInDurableObject(pageObject(), (_: StatusPage, store) => {
      store.storage.sql.exec(
        `INSERT INTO subscribers (id, address, domain, state, created_at, bounced_at, bounce_reason)
         VALUES (?, ?, 'bounced.example', 'bounced', ?, ?, '550 no such user')`,
        `dsub${address.slice(5, 13)}`,
        address,
        Date.now(),
        Date.now(),
      );
    });
    const browser = await signedIn();
    const html = await page(browser);
    const held = html.slice(html.indexOf('id="held"'));
    expect(held).toMatch(/<a href="\/console\/subscribers\?state=bounced">1 bounced address<\/a>/);
    // The link lists them: the subscribers page takes the state as its filter.
    const listed = await (await browser.get("/console/subscribers?state=bounced")).text();
    expect(listed).toContain(address);
    // A communicator may not read subscribers: no count, no link.
    const communicator = await page(await signedInAs("communicator", "Cora Communicator"));
    expect(communicator).not.toContain("bounced address");
  });

  it("shows a viewer the state but no Declare link, no holds they may not read, and never a check-in path", async () => {
    const full = await api("GET", "/monitors");
    const checkIn: string = full.body.data.find((m: { id: string }) => m.id === "vault-run").heartbeatPath;
    expect(checkIn).toMatch(/^\/heartbeat\/vault-run\/.+/);
    const secret = checkIn.split("/").at(-1) ?? "";
    expect((await api("PUT", "/holds/domains/viewer-held.example")).status).toBe(200);
    try {
      const html = await page(await signedInAs("viewer", "Vera Viewer"));
      expect(html).toContain(", viewer.");
      expect(html).toMatch(/api-check: <strong>Down<\/strong>/);
      expect(html).toContain("Secret vault");
      expect(html).not.toContain("Declare incident");
      expect(html).not.toContain("viewer-held.example");
      expect(html).not.toContain(secret);
      // An admin's dashboard does not show it either: it is a secret for the job that checks in.
      expect(await page(await signedIn())).not.toContain(secret);
    } finally {
      await api("DELETE", "/holds/domains/viewer-held.example?pending=send");
    }
  });

  it("shows a communicator the Declare link, and no holds (they are the subscribers scope's)", async () => {
    expect((await api("PUT", "/holds/domains/comm-held.example")).status).toBe(200);
    try {
      const html = await page(await signedInAs("communicator", "Cora Communicator"));
      expect(html).toContain(", communicator.");
      expect(html).toContain('href="/console/incidents/new?monitor=api-check"');
      expect(html).not.toContain("comm-held.example");
    } finally {
      await api("DELETE", "/holds/domains/comm-held.example?pending=send");
    }
  });

  it("sends someone not signed in to the sign-in page", async () => {
    const { ConsoleBrowser } = await import("../../helpers/workers/console.ts");
    const answer = await new ConsoleBrowser().get("/console");
    expect(answer.status).toBe(303);
  });
});
