import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { defineConfig } from "../../worker/config/define-config.ts";
import type { MonitorReport } from "../../worker/core/monitors/monitor-report.ts";
import { hookName, received, SIGNING, until } from "../helpers/workers/alert-pages.ts";
import { type AlertRow, changeTo, markMonitorsStarted, notices } from "../helpers/workers/alerts.ts";
import { api } from "../helpers/workers/api.ts";
import { pinFlagsForFile, withFlags } from "../helpers/workers/flags.ts";
import { kick } from "../helpers/workers/kicks.ts";
import { runGroup } from "../helpers/workers/monitor-objects.ts";
import { monitorReport } from "../helpers/workers/monitor-report.ts";
import { targetUrl } from "../helpers/workers/targets.ts";
import { pageObject } from "../helpers/workers/worker.ts";

/**
 * What a provider's outage does (decision 0043), against a real local
 * provider page (scripts/provider-page.ts, built from a real Statuspage
 * sample whose page is "Instructure"): behind the provider_outages flag, its
 * incident alerts the team through a route with the components of yours it
 * reaches, and opens an internal incident whose first update names the
 * provider, links its incident and lists those components; both end when the
 * provider resolves, unless a person took the incident over. A page that
 * cannot be read raises nothing. A failing monitor of yours below which the
 * provider is in trouble says so in its alert.
 */

const run = crypto.randomUUID().slice(0, 8);
const secrets = env as unknown as Record<string, string>;
const CHAT_URL = `PROVIDER_CHAT_URL_${run.toUpperCase()}`;
const CHAT_SIGNING = `PROVIDER_CHAT_SIGNING_${run.toUpperCase()}`;
secrets[CHAT_URL] = `${(env as unknown as { WEBHOOK_RECEIVER: string }).WEBHOOK_RECEIVER}/hooks/${hookName("chat")}`;
secrets[CHAT_SIGNING] = SIGNING;
const providerUrl = (name: string) => targetUrl(`/provider/${run}-${name}`);

async function provider(name: string, scenario: string): Promise<void> {
  const response = await fetch(`${providerUrl(name)}/${scenario}`, { method: "POST" });
  expect(response.status, scenario).toBe(200);
}

/** The page follows provider `name` with monitor `name`; App depends on it, the Blog on App (not critically). */
function pageConfig(name: string, incident?: "none" | "internal" | "public") {
  return defineConfig({
    page: { name: "Depends", url: "https://status.depends.test" },
    groups: [{ id: "third-party", name: "Third-party services" }],
    components: [
      { id: "lms", name: "Canvas LMS", group: "third-party" },
      { id: "app", name: "App", dependsOn: ["lms"] },
      { id: "blog", name: "Blog", dependsOn: [{ component: "app", critical: false }] },
      { id: "other", name: "Other" },
    ],
    monitors: [
      {
        id: name,
        kind: "statuspage",
        url: providerUrl(name),
        providerComponents: ["Canvas"],
        components: ["lms"],
        intervalSeconds: 3600,
        ...(incident ? { incident } : {}),
      },
      { id: "app-check", kind: "heartbeat", components: ["app"], intervalSeconds: 60 },
    ],
    alerting: {
      channels: [
        { id: "ntfy", kind: "ntfy", urlSecret: "NTFY_URL" },
        // A real receiver on loopback, signed: the route's policy is heard there (alert-pages.ts).
        { id: "chat", kind: "webhook", urlSecret: CHAT_URL, signingSecret: CHAT_SIGNING, groupSeconds: 0 },
      ],
      policies: [
        { id: "providers", steps: [{ afterMinutes: 0, channels: ["chat"] }] },
        { id: "page-me", steps: [{ afterMinutes: 0, channels: ["ntfy"] }] },
      ],
      routes: [{ policy: "providers", kinds: ["provider_trouble"], components: ["app"] }, { policy: "page-me" }],
    },
  });
}

async function follow(name: string, incident?: "none" | "internal" | "public") {
  await pageObject().reconcile(pageConfig(name, incident));
  await kick();
}

const read = (name: string) => runGroup(name);

function alertOf(key: string): Promise<AlertRow | null> {
  return runInDurableObject(pageObject(), (_instance, state) => {
    const rows = state.storage.sql
      .exec<AlertRow & Record<string, SqlStorageValue>>(`SELECT * FROM alerts WHERE key = ? ORDER BY opened_at`, key)
      .toArray();
    return rows.at(-1) ?? null;
  });
}

interface IncidentRow {
  id: string;
  name: string;
  status: string;
  visibility: string;
  impact: string;
  updates: string[];
}

/** Incidents that name `componentId`, newest last, with their updates' bodies oldest first. */
function incidentsOn(componentId: string, since: number): Promise<IncidentRow[]> {
  return runInDurableObject(pageObject(), (_instance, state) => {
    const sql = state.storage.sql;
    return sql
      .exec<{ id: string; name: string; status: string; visibility: string; impact: string }>(
        `SELECT i.id, i.name, i.status, i.visibility, i.impact FROM incidents i
           JOIN incident_components ic ON ic.incident_id = i.id
         WHERE ic.component_id = ? AND i.kind = 'incident' AND i.created_at >= ? ORDER BY i.created_at`,
        componentId,
        since,
      )
      .toArray()
      .map((row) => ({
        ...row,
        updates: sql
          .exec<{ body: string }>(
            `SELECT body FROM incident_updates WHERE incident_id = ? ORDER BY created_at, rowid`,
            row.id,
          )
          .toArray()
          .map((u) => u.body),
      }));
  });
}

pinFlagsForFile({ probing: true, automatic_incidents: false });

describe("a provider's outage", () => {
  it("raises nothing with the flag off: no alert, no incident", async () => {
    await withFlags({ provider_outages: false }, async () => {
      const since = Date.now();
      await provider("off", "incident");
      await follow("off");
      await read("off");
      expect(await alertOf("provider:off")).toBeNull();
      expect(await incidentsOn("lms", since)).toEqual([]);
    });
  });

  it("alerts through its route with the affected components, opens an internal incident, and both end when the provider resolves", async () => {
    await withFlags({ provider_outages: true, alerting: true }, async () => {
      const since = Date.now();
      await provider("life", "operational");
      await follow("life");
      await read("life");
      expect(await alertOf("provider:life")).toBeNull();

      await provider("life", "incident");
      await read("life");
      const alert = await alertOf("provider:life");
      expect(alert).toMatchObject({
        kind: "provider_trouble",
        severity: "warning",
        title: "Instructure reports an incident affecting Canvas LMS",
        policy: "providers",
        status: "open",
      });
      const details = JSON.parse(alert?.details ?? "{}");
      expect(details.components).toEqual([
        { id: "lms", name: "Canvas LMS" },
        { id: "app", name: "App" },
        { id: "blog", name: "Blog" },
      ]);
      expect(details.summary).toContain("https://stspg.io/0vf16sb2j8xn");
      expect(details.summary).toContain(
        "Our components affected: Canvas LMS (mirrors it), App (depends on it), Blog (depends on it, not critically).",
      );
      // The route's policy's first step is queued for its channel at once.
      expect((await notices(pageObject(), alert?.id)).map((n) => `${n.recipient} ${n.kind}`)).toEqual(["chat trigger"]);

      // And it leaves for the route's channel, saying what of ours it reaches.
      const heard = async () =>
        (await received("chat")).flatMap((hook) => hook.payload.notices).filter((n) => n.alertId === alert?.id);
      expect(await until(async () => (await heard()).length > 0)).toBe(true);
      expect((await heard())[0]).toMatchObject({
        notice: "trigger",
        kind: "provider_trouble",
        title: "Instructure reports an incident affecting Canvas LMS",
        components: details.components,
      });
      expect(JSON.stringify((await heard())[0])).toContain("App (depends on it)");

      const [incident, ...more] = await incidentsOn("lms", since);
      expect(more).toEqual([]);
      expect(incident).toMatchObject({ status: "investigating", visibility: "internal", impact: "minor" });
      expect(incident?.name).toMatch(/^Instructure: .*Amazon Web Services/);
      expect(details.incidentId).toBe(incident?.id);
      expect(details.incidentPublic).toBe(false);
      const [first] = incident?.updates ?? [];
      expect(first).toContain("Instructure reports an incident and states partial outage");
      expect(first).toContain("follow it at https://stspg.io/0vf16sb2j8xn");
      expect(first).toContain("Our components affected: Canvas LMS (mirrors it), App (depends on it), Blog");
      expect((await incidentsOn("app", since)).map((i) => i.id)).toEqual([incident?.id]);
      expect(await incidentsOn("other", since)).toEqual([]);
      // Internal: readers never see it.
      const snapshot = await pageObject().snapshot();
      expect(snapshot.activeIncidents.map((i) => i.id)).not.toContain(incident?.id);
      expect(snapshot.recentIncidents.map((i) => i.id)).not.toContain(incident?.id);

      // The same trouble read again pages nobody again and writes nothing new.
      await read("life");
      expect((await notices(pageObject(), alert?.id)).length).toBe(1);
      expect((await incidentsOn("lms", since))[0]?.updates.length).toBe(1);

      // The provider says something new: the incident follows with an update; the alert's words change, nobody is paged.
      await provider("life", "degraded");
      await read("life");
      const updates = (await incidentsOn("lms", since))[0]?.updates;
      expect(updates).toHaveLength(2);
      expect(updates?.[1]).toBe("Instructure now states degraded performance.");
      expect((await alertOf("provider:life"))?.title).toBe(
        "Instructure reports degraded performance affecting Canvas LMS",
      );
      expect((await notices(pageObject(), alert?.id)).length).toBe(1);

      await provider("life", "resolved");
      await read("life");
      expect(await alertOf("provider:life")).toMatchObject({ id: alert?.id, status: "resolved" });
      expect((await notices(pageObject(), alert?.id)).map((n) => `${n.recipient} ${n.kind}`)).toEqual([
        "chat trigger",
        "chat resolve",
      ]);
      const [after] = await incidentsOn("lms", since);
      expect(after?.status).toBe("resolved");
      expect(after?.updates.at(-1)).toMatch(/^Instructure reports its incident resolved/);
    });
  });

  for (const how of ["update", "edit"] as const) {
    it(`leaves an incident a person took over (${how}) to them, and tells the team the provider resolved`, async () => {
      await withFlags({ provider_outages: true }, async () => {
        const since = Date.now();
        const name = `taken-${how}`;
        await provider(name, "incident");
        await follow(name);
        await read(name);
        const [incident] = await incidentsOn("lms", since);
        expect(incident?.status).toBe("investigating");
        if (how === "update") {
          const posted = await api("POST", `/incidents/${incident?.id}/updates`, {
            body: { status: "identified", message: "Logins to Canvas fail; we are in touch with Instructure." },
          });
          expect(posted.status).toBe(201);
        } else {
          const current = await api("GET", `/incidents/${incident?.id}`);
          const edited = await api("PATCH", `/incidents/${incident?.id}`, {
            body: { name: "Canvas logins fail" },
            headers: { "if-match": current.headers.get("etag") ?? "" },
          });
          expect(edited.status).toBe(200);
        }

        await provider(name, "resolved");
        await read(name);
        const [after] = await incidentsOn("lms", since);
        expect(after?.status).toBe(how === "update" ? "identified" : "investigating");
        expect(after?.updates).toHaveLength(how === "update" ? 2 : 1);
        const alert = await alertOf(`provider:${name}`);
        expect(alert?.status).toBe("resolved");
        expect(JSON.parse(alert?.details ?? "{}").summary).toMatch(
          /Instructure reports its incident resolved\. The incident ".*" was taken over by a person and stays open/,
        );
      });
    });
  }

  it("raises nothing while the page cannot be read, and keeps what it raised until the page says it is over", async () => {
    await withFlags({ provider_outages: true }, async () => {
      const since = Date.now();
      await provider("unread", "down");
      await follow("unread");
      await read("unread");
      expect(await alertOf("provider:unread")).toBeNull();
      expect(await incidentsOn("lms", since)).toEqual([]);

      await provider("unread", "degraded");
      await read("unread");
      expect(await alertOf("provider:unread")).toMatchObject({ status: "open", severity: "warning" });
      for (const failure of ["down", "html"]) {
        await provider("unread", failure);
        await read("unread");
        expect(await alertOf("provider:unread"), failure).toMatchObject({ status: "open" });
        expect((await incidentsOn("lms", since))[0]?.status, failure).toBe("investigating");
      }
      await provider("unread", "operational");
      await read("unread");
      expect(await alertOf("provider:unread")).toMatchObject({ status: "resolved" });
    });
  });

  it("tells the team, once and as information, of a page unreadable for over an hour; ends it when the page reads again", async () => {
    await withFlags({ provider_outages: true }, async () => {
      await provider("stale", "operational");
      await follow("stale");
      await read("stale");
      const now = Date.now();
      const unreadable = (since: number): MonitorReport => ({
        ...monitorReport("stale", now, "up"),
        provider: {
          name: "Instructure",
          pageUrl: "https://status.instructure.com",
          status: "unknown",
          lastKnown: "operational",
          unavailableSince: since,
          problem: "answered 503",
          incidents: [],
        },
      });
      await pageObject().reportMonitor(unreadable(now - 59 * 60_000));
      expect(await alertOf("provider-unreadable:stale")).toBeNull();
      await pageObject().reportMonitor(unreadable(now - 61 * 60_000));
      const note = await alertOf("provider-unreadable:stale");
      expect(note).toMatchObject({ kind: "provider_unreadable", severity: "info", status: "open", policy: "page-me" });
      expect(note?.title).toBe(`Status of Instructure unavailable since ${new Date(now - 61 * 60_000).toISOString()}`);
      expect(JSON.parse(note?.details ?? "{}").summary).toContain("answered 503");
      // Never about the provider's service: no trouble alert, no incident.
      expect(await alertOf("provider:stale")).toBeNull();
      const readAgain = unreadable(now);
      const stated = readAgain.provider && { ...readAgain.provider, status: "operational" as const };
      await pageObject().reportMonitor({ ...readAgain, provider: stated && { ...stated, unavailableSince: null } });
      expect(await alertOf("provider-unreadable:stale")).toMatchObject({ id: note?.id, status: "resolved" });
    });
  });

  it("opens no incident when the monitor asks for none, and a public one when it asks", async () => {
    await withFlags({ provider_outages: true }, async () => {
      const since = Date.now();
      await provider("quiet", "incident");
      await follow("quiet", "none");
      await read("quiet");
      expect(JSON.parse((await alertOf("provider:quiet"))?.details ?? "{}").incidentId).toBeNull();
      expect(await incidentsOn("lms", since)).toEqual([]);
      await provider("quiet", "resolved");
      await read("quiet");

      await provider("loud", "incident");
      await follow("loud", "public");
      await read("loud");
      const [incident] = await incidentsOn("lms", since);
      expect(incident?.visibility).toBe("public");
      expect((await pageObject().snapshot()).activeIncidents.map((i) => i.id)).toContain(incident?.id);
      await provider("loud", "resolved");
      await read("loud");
      expect((await incidentsOn("lms", since))[0]?.status).toBe("resolved");
    });
  });

  it("says in a failing monitor's alert that a provider below it is in trouble, flag or not", async () => {
    await provider("hint", "incident");
    await follow("hint");
    await read("hint");
    await markMonitorsStarted(pageObject());
    await pageObject().reportMonitor(changeTo("app-check", "down"));
    const alert = await alertOf("monitor:app-check");
    expect(alert?.title).toBe("App is down");
    expect(JSON.parse(alert?.details ?? "{}").summary).toBe(
      "HTTP 503 from https://api.acme.example/healthCheck. Instructure reports an incident affecting Canvas LMS.",
    );
    await pageObject().reportMonitor(changeTo("app-check", "up"));
    await provider("hint", "resolved");
    await read("hint");
  });

  it("ends the alerts of a provider dropped from the config at the next heartbeat", async () => {
    await withFlags({ provider_outages: true }, async () => {
      await provider("dropped", "incident");
      await follow("dropped", "none");
      await read("dropped");
      expect(await alertOf("provider:dropped")).toMatchObject({ status: "open" });
      const config = pageConfig("dropped");
      await pageObject().tick({ ...config, monitors: config.monitors.filter((m) => m.id !== "dropped") });
      expect(await alertOf("provider:dropped")).toMatchObject({ status: "resolved" });
    });
  });
});
