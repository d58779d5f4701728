import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { StatusPage } from "../../durable-objects/status-page/status-page.ts";
import { createApp } from "../../worker/app.tsx";
import { defineConfig } from "../../worker/config/define-config.ts";
import { pinFlagsForFile, withFlags } from "../helpers/workers/flags.ts";
import { kick } from "../helpers/workers/kicks.ts";
import { runGroup } from "../helpers/workers/monitor-objects.ts";
import { targetUrl } from "../helpers/workers/targets.ts";
import { pageObject } from "../helpers/workers/worker.ts";

/**
 * A public incident Lookout opens for a provider's trouble (decision 0043)
 * names none of your hidden components, neither those that mirror the
 * provider nor those that depend on it: its words reach the page, the
 * history, the feeds, the v2 JSON, subscribers' mails and webhooks, and only
 * component lists are stripped of hidden ids there, never free text. The
 * team's alert still names them all.
 */

const run = crypto.randomUUID().slice(0, 8);
const providerUrl = targetUrl(`/provider/${run}-hidden-public`);
const HIDDEN_NAMES = ["Shadow Mirror Co", "Backoffice Ledger"];

const app = createApp({ freshMs: 0, maxStaleMs: 0, sharedCache: () => null });
const get = (path: string) => app.request(`https://status.test${path}`, {}, env);

pinFlagsForFile({ probing: true, automatic_incidents: false });

describe("a public incident for a provider's trouble", () => {
  it("names no hidden component on any public surface, while the team's alert names them", async () => {
    await withFlags({ provider_outages: true }, async () => {
      expect((await fetch(`${providerUrl}/incident`, { method: "POST" })).status).toBe(200);
      await pageObject().reconcile(
        defineConfig({
          page: { name: "Depends", url: "https://status.depends.test" },
          components: [
            { id: "lms", name: "Canvas LMS" },
            { id: "shadow", name: "Shadow Mirror Co", hidden: true },
            { id: "app", name: "App", dependsOn: ["lms"] },
            { id: "ledger", name: "Backoffice Ledger", hidden: true, dependsOn: ["shadow"] },
          ],
          monitors: [
            {
              id: "lms-status",
              kind: "statuspage",
              url: providerUrl,
              providerComponents: ["Canvas"],
              components: ["lms", "shadow"],
              intervalSeconds: 3600,
              incident: "public",
            },
          ],
        }),
      );
      await kick();
      await runGroup("lms-status");

      const snapshot = await pageObject().snapshot();
      const [incident, ...more] = snapshot.activeIncidents;
      expect(more).toEqual([]);
      expect(incident?.name).toMatch(/^Instructure: /);
      // The public words still say what of ours is affected, so the checks below do not pass on empty words.
      const words = JSON.stringify(snapshot.activeIncidents);
      expect(words).toContain("Canvas LMS (mirrors it)");
      expect(words).toContain("App (depends on it)");
      for (const hidden of HIDDEN_NAMES) expect(words, `the snapshot names "${hidden}"`).not.toContain(hidden);

      for (const path of [
        "/",
        "/history",
        "/history.rss",
        "/history.atom",
        `/incidents/${incident?.id}`,
        "/api/v2/summary.json",
        "/api/v2/incidents.json",
        "/api/v2/incidents/unresolved.json",
      ]) {
        const response = await get(path);
        expect(response.status, path).toBe(200);
        const body = await response.text();
        expect(body, `${path} shows the incident`).toContain("Instructure");
        for (const hidden of HIDDEN_NAMES) expect(body, `${path} names "${hidden}"`).not.toContain(hidden);
      }

      // Team-only: the alert names every component the provider's trouble reaches, hidden or not.
      const alert = await runInDurableObject(pageObject(), (_: StatusPage, state) =>
        state.storage.sql
          .exec<{ details: string }>(`SELECT details FROM alerts WHERE key = 'provider:lms-status'`)
          .one(),
      );
      for (const hidden of HIDDEN_NAMES) expect(JSON.parse(alert.details).summary).toContain(hidden);
    });
  });
});
