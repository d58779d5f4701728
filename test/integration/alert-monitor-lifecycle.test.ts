import { abortAllDurableObjects, runInDurableObject } from "cloudflare:test";
import { expect, it } from "vitest";
import type { StatusPage } from "../../durable-objects/status-page/status-page.ts";
import {
  alarmAt,
  alerts,
  brief,
  changeTo,
  alertingConfig as config,
  freshPage,
  MIN,
  moveBack,
  notices,
  runAlarm,
} from "../helpers/workers/alerts.ts";
import { scratchObject } from "../helpers/workers/worker.ts";

/**
 * A monitor's outage raises one alert, routed to a policy whose first step is
 * queued in the outbox in the transaction that changes its components; its
 * escalation steps come through the alarm at their times; its recovery tells
 * every channel that was alerted. Monitors are heartbeat monitors the test
 * speaks for (nothing is probed); notices are only queued here (sending them
 * is the alert delivery job's).
 */
it("opens one alert when a monitor goes down, and queues step 0 in the write that changes its component", async () => {
  const page = await freshPage("alert-open");
  const down = changeTo("api", "down");
  const { changes } = await page.reportMonitor(down);
  expect(changes.map((c) => `${c.code} ${c.newStatus}`)).toEqual(["api major_outage"]);
  // The same trouble reported again (a sign of life, another region's word) pages nobody again.
  await page.reportMonitor({ ...down, transition: null });

  const [alert, ...more] = await alerts(page);
  expect(more).toEqual([]);
  expect(alert).toMatchObject({
    key: "monitor:api",
    kind: "monitor_down",
    severity: "critical",
    title: "REST API is down",
    policy: "page-me",
    status: "open",
    steps: 1,
  });
  expect(JSON.parse(alert?.details ?? "{}")).toEqual({
    summary: "HTTP 503 from https://api.acme.example/healthCheck",
    monitorId: "api",
    components: [{ id: "api", name: "REST API" }],
    regions: [],
    firstFailingCheckAt: new Date(down.transition?.firstFailure?.at ?? 0).toISOString(),
    incidentId: null,
    incidentPublic: false,
  });
  expect(brief(await notices(page))).toEqual(["slack trigger step:0"]);
  // The next step is due 5 minutes after the alert opened, and the alarm comes for it then.
  expect(alert?.next_escalation_at).toBe((alert?.opened_at ?? 0) + 5 * MIN);
  expect(await alarmAt(page)).toBeLessThanOrEqual((alert?.opened_at ?? 0) + 5 * MIN);
});

it("names the automatic incident the outage opened, and whether readers can open it", async () => {
  const page = await freshPage("alert-incident", config, { automatic_incidents: true });
  const { incidentId } = await page.reportMonitor(changeTo("api", "down"));
  expect(incidentId).not.toBeNull();
  const visibility = await runInDurableObject(page, (_: StatusPage, state) =>
    state.storage.sql.exec<{ visibility: string }>(`SELECT visibility FROM incidents WHERE id = ?`, incidentId).one(),
  );
  const [alert] = await alerts(page);
  expect(JSON.parse(alert?.details ?? "{}")).toMatchObject({
    incidentId,
    incidentPublic: visibility.visibility === "public",
  });
});

it("routes by severity: a partial outage (error) and a degraded monitor (warning) go to the chat policy", async () => {
  const page = await freshPage("alert-severity");
  await page.reportMonitor(changeTo("web", "down"));
  await page.reportMonitor(changeTo("api", "degraded"));
  const rows = await alerts(page);
  expect(rows.map((a) => `${a.key} ${a.kind} ${a.severity} ${a.policy}`)).toEqual([
    "monitor:api monitor_degraded warning chat",
    "monitor:web monitor_down error chat",
  ]);
  // The degraded monitor goes down: the same alert gets worse, is routed again, and the new route starts from its first step.
  await page.reportMonitor(changeTo("api", "down"));
  const api = (await alerts(page)).find((a) => a.key === "monitor:api");
  expect(api).toMatchObject({
    kind: "monitor_down",
    severity: "critical",
    policy: "page-me",
    title: "REST API is down",
  });
  expect(brief(await notices(page, api?.id))).toEqual(["ntfy trigger step:0", "slack trigger page-me:step:0"]);
});

it("follows an improvement (down → degraded) in kind, severity and words without paging, and a relapse pages no one twice", async () => {
  const page = await freshPage("alert-improves");
  await page.reportMonitor(changeTo("api", "down"));
  const [down] = await alerts(page);
  await page.reportMonitor(changeTo("api", "degraded"));
  const [better] = await alerts(page);
  expect(better).toMatchObject({
    id: down?.id,
    kind: "monitor_degraded",
    severity: "warning",
    policy: "page-me",
    title: "REST API is degraded",
    steps: 1,
    next_escalation_at: down?.next_escalation_at,
  });
  // Down again: still the page-me escalation it was on, nobody told anew.
  await page.reportMonitor(changeTo("api", "down"));
  expect((await alerts(page))[0]).toMatchObject({ kind: "monitor_down", severity: "critical", policy: "page-me" });
  expect(brief(await notices(page, down?.id))).toEqual(["slack trigger step:0"]);
});

it("tells every channel that was alerted, once each, when the monitor recovers", async () => {
  const page = await freshPage("alert-recover");
  await page.reportMonitor(changeTo("api", "down"));
  const [alert] = await alerts(page);
  const id = alert?.id ?? "";
  await moveBack(page, id, 6);
  await runAlarm(page);
  expect(brief(await notices(page, id))).toEqual(["slack trigger step:0", "mail trigger step:1"]);

  const { changes } = await page.reportMonitor(changeTo("api", "up"));
  expect(changes.map((c) => c.newStatus)).toEqual(["operational"]);
  expect((await alerts(page))[0]).toMatchObject({ status: "resolved", next_escalation_at: null });
  expect(brief(await notices(page, id)).sort()).toEqual([
    "mail resolve resolve",
    "mail trigger step:1",
    "slack resolve resolve",
    "slack trigger step:0",
  ]);
  // Nothing more comes of it: the escalation stopped with the resolve.
  await moveBack(page, id, 60);
  await runAlarm(page);
  expect(await notices(page, id)).toHaveLength(4);
});

it("loses nothing and queues nothing twice across a restart between the outage and its escalation", async () => {
  await (await freshPage("alert-restart")).reportMonitor(changeTo("api", "down"));
  await abortAllDurableObjects();
  // A stub does not outlive its object's instance: each step asks for the object anew. A restarted object applies
  // the deployed config (lookout.config.ts); where this one is deployed, it is what it applies: the test re-applies it.
  const page = () => scratchObject("alert-restart");
  await page().reconcile(config);

  const [alert] = await alerts(page());
  expect(alert).toMatchObject({ status: "open", steps: 1 });
  const id = alert?.id ?? "";
  await moveBack(page(), id, 16);
  await runAlarm(page());
  await abortAllDurableObjects();
  await page().reconcile(config);
  await runAlarm(page());
  await runAlarm(page());
  expect(brief(await notices(page(), id))).toEqual([
    "slack trigger step:0",
    "mail trigger step:1",
    "pd trigger step:2",
    "slack trigger step:2",
  ]);
  // Every row is there once: the outbox's dedupe keys hold whatever ran twice.
  const rows = await runInDurableObject(page(), (_: StatusPage, state) =>
    state.storage.sql.exec(`SELECT COUNT(*) AS n FROM outbox WHERE ref = ?`, id).one(),
  );
  expect(rows.n).toBe(4);
});

it("resolves the alert of a monitor the config no longer has", async () => {
  const page = await freshPage("alert-removed");
  await page.reportMonitor(changeTo("web", "down"));
  await page.reconcile({ ...config, monitors: config.monitors.filter((m) => m.id !== "web") });
  expect((await alerts(page)).map((a) => `${a.key} ${a.status}`)).toEqual(["monitor:web resolved"]);
  expect(brief(await notices(page)).sort()).toEqual(["ntfy resolve resolve", "ntfy trigger step:0"]);
});

it("alerts when a quorum of regions sees the monitor down, not when one region does, and names those regions", async () => {
  const regional = {
    ...config,
    monitors: [
      ...config.monitors,
      { ...config.monitors[0], id: "edge", regions: ["weur", "enam", "apac"] as const, quorum: undefined },
    ],
  } as typeof config;
  const page = await freshPage("alert-quorum", regional);
  for (const region of ["weur", "enam", "apac"]) await page.reportMonitor(changeTo("edge", "up", region));
  await page.reportMonitor(changeTo("edge", "down", "weur"));
  expect(await alerts(page)).toEqual([]);
  await page.reportMonitor(changeTo("edge", "down", "apac"));
  const [alert, ...more] = await alerts(page);
  expect(more).toEqual([]);
  expect(alert).toMatchObject({ key: "monitor:edge", kind: "monitor_down" });
  expect(JSON.parse(alert?.details ?? "{}").regions.sort()).toEqual(["apac", "weur"]);
  // One region recovering leaves one down: below the quorum of 2, the monitor is up and the alert resolves.
  await page.reportMonitor(changeTo("edge", "up", "apac"));
  expect((await alerts(page))[0]?.status).toBe("resolved");
});
