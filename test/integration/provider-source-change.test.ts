import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { StatusPage } from "../../durable-objects/status-page/status-page.ts";
import { defineConfig } from "../../worker/config/define-config.ts";
import { pinFlagsForFile, withFlags } from "../helpers/workers/flags.ts";
import { kick } from "../helpers/workers/kicks.ts";
import { runGroup } from "../helpers/workers/monitor-objects.ts";
import { targetUrl } from "../helpers/workers/targets.ts";
import { pageObject } from "../helpers/workers/worker.ts";

/**
 * A statuspage monitor switched to another provider's page (or other
 * components of it) no longer speaks for the first provider (decision 0043):
 * the alert it raised for the first one is resolved with words saying so, the
 * incident it opened is left to a person, untouched by the new provider's
 * words, and the new provider is followed afresh.
 */

const run = crypto.randomUUID().slice(0, 8);
const providerUrl = (name: string) => targetUrl(`/provider/${run}-${name}`);

async function provider(name: string, scenario: string): Promise<void> {
  const response = await fetch(`${providerUrl(name)}/${scenario}`, { method: "POST" });
  expect(response.status, scenario).toBe(200);
}

function follow(monitorId: string, url: string, providerComponents?: string[]) {
  return pageObject().reconcile(
    defineConfig({
      page: { name: "Moves", url: "https://status.moves.test" },
      components: [{ id: `${monitorId}-cdn`, name: "CDN" }],
      monitors: [
        {
          id: monitorId,
          kind: "statuspage",
          url,
          ...(providerComponents ? { providerComponents } : {}),
          components: [`${monitorId}-cdn`],
          intervalSeconds: 3600,
          incident: "public",
        },
      ],
    }),
  );
}

interface Seen {
  incidents: { id: string; status: string; managed: string | null; updates: string[] }[];
  alerts: { id: string; status: string; summary: string }[];
}

/** The monitor's incidents (oldest first, with their updates' bodies) and provider alerts, oldest first. */
function seen(monitorId: string, componentId: string): Promise<Seen> {
  return runInDurableObject(pageObject(), (_: StatusPage, state) => {
    const sql = state.storage.sql;
    const incidents = sql
      .exec<{ id: string; status: string; managed: string | null }>(
        `SELECT i.id, i.status, i.managed_by_monitor AS managed FROM incidents i
           JOIN incident_components ic ON ic.incident_id = i.id
         WHERE ic.component_id = ? AND i.kind = 'incident' ORDER BY i.created_at, i.rowid`,
        componentId,
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
    const alerts = sql
      .exec<{ id: string; status: string; details: string }>(
        `SELECT id, status, details FROM alerts WHERE key = ? ORDER BY opened_at, rowid`,
        `provider:${monitorId}`,
      )
      .toArray()
      .map((a) => ({ id: a.id, status: a.status, summary: JSON.parse(a.details).summary as string }));
    return { incidents, alerts };
  });
}

pinFlagsForFile({ probing: true, automatic_incidents: false });

describe("a statuspage monitor that now follows another page", () => {
  it("does not resolve the first provider's incident because the new one is fine; leaves it to a person", async () => {
    await withFlags({ provider_outages: true }, async () => {
      await provider("old-a", "incident");
      await provider("new-a", "operational");
      await follow("moved-a", providerUrl("old-a"));
      await kick();
      await runGroup("moved-a");
      const before = await seen("moved-a", "moved-a-cdn");
      expect(before.incidents.map((i) => i.status)).toEqual(["investigating"]);
      expect(before.alerts.map((a) => a.status)).toEqual(["open"]);

      await follow("moved-a", providerUrl("new-a"));
      await kick();
      await runGroup("moved-a");
      const after = await seen("moved-a", "moved-a-cdn");
      // The old incident is untouched by the new page's words, and no longer Lookout's.
      expect(after.incidents).toEqual([{ ...before.incidents[0], managed: null }]);
      // The old alert ends, saying why and that the incident is the team's to close.
      expect(after.alerts).toHaveLength(1);
      expect(after.alerts[0]?.status).toBe("resolved");
      expect(after.alerts[0]?.summary).toMatch(/now follows another status page/);
      expect(after.alerts[0]?.summary).toContain("stays open");
    });
  });

  it("follows the new page afresh when it is in trouble too: a new incident and a new alert, the old incident untouched", async () => {
    await withFlags({ provider_outages: true }, async () => {
      await provider("old-b", "incident");
      await provider("new-b", "degraded");
      await follow("moved-b", providerUrl("old-b"));
      await kick();
      await runGroup("moved-b");
      const before = await seen("moved-b", "moved-b-cdn");
      expect(before.incidents).toHaveLength(1);

      await follow("moved-b", providerUrl("new-b"));
      await kick();
      await runGroup("moved-b");
      const after = await seen("moved-b", "moved-b-cdn");
      expect(after.incidents).toHaveLength(2);
      expect(after.incidents[0]).toEqual({ ...before.incidents[0], managed: null });
      expect(after.incidents[1]).toMatchObject({ status: "investigating", managed: "moved-b" });
      expect(after.incidents[1]?.updates[0]).toContain("states degraded performance");
      expect(after.alerts.map((a) => a.status)).toEqual(["resolved", "open"]);

      // The new provider recovers: its own incident is resolved, the old one stays for a person.
      await provider("new-b", "operational");
      await runGroup("moved-b");
      const recovered = await seen("moved-b", "moved-b-cdn");
      expect(recovered.incidents.map((i) => i.status)).toEqual(["investigating", "resolved"]);
      expect(recovered.alerts.map((a) => a.status)).toEqual(["resolved", "resolved"]);
    });
  });

  it("counts other components of the same page as another source too", async () => {
    await withFlags({ provider_outages: true }, async () => {
      await provider("same-c", "incident");
      await follow("moved-c", providerUrl("same-c"), ["Canvas"]);
      await kick();
      await runGroup("moved-c");
      const before = await seen("moved-c", "moved-c-cdn");
      expect(before.incidents).toHaveLength(1);

      // Following the whole page now: what was raised for Canvas alone is the team's.
      await follow("moved-c", providerUrl("same-c"));
      await kick();
      await runGroup("moved-c");
      const after = await seen("moved-c", "moved-c-cdn");
      expect(after.incidents[0]).toEqual({ ...before.incidents[0], managed: null });
      expect(after.alerts[0]?.status).toBe("resolved");
    });
  });
});
