import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { defineConfig } from "../../worker/config/define-config.ts";
import { pinFlagsForFile } from "../helpers/workers/flags.ts";
import { kick } from "../helpers/workers/kicks.ts";
import { groupOf, inspectMonitor, runGroup } from "../helpers/workers/monitor-objects.ts";
import { observationOf } from "../helpers/workers/provider-observations.ts";
import { targetUrl } from "../helpers/workers/targets.ts";
import { pageObject } from "../helpers/workers/worker.ts";

/**
 * A statuspage monitor against a real local provider page
 * (scripts/provider-page.ts, built from a real Statuspage sample) that moves
 * through an incident and fails the ways real pages fail: the component it
 * drives mirrors what the provider states, a page that cannot be read is
 * unknown and never an outage (decision 0039), and readings are conditional.
 */

/** The provider server keeps state per key for as long as it lives: each run of this file has its own keys. */
const run = crypto.randomUUID().slice(0, 8);
const providerUrl = (name: string) => targetUrl(`/provider/${run}-${name}`);

async function provider(name: string, scenario: string): Promise<void> {
  const response = await fetch(`${providerUrl(name)}/${scenario}`, { method: "POST" });
  expect(response.status, scenario).toBe(200);
}

async function providerStats(name: string) {
  const response = await fetch(`${providerUrl(name)}/stats`);
  return (await response.json()) as {
    requests: number;
    conditional: number;
    notModified: number;
    bytesWritten: number;
  };
}

async function follow(name: string, options: { providerComponents?: string[]; timeoutMs?: number } = {}) {
  await pageObject().reconcile(
    defineConfig({
      page: { name: "Depends", url: "https://status.depends.test" },
      groups: [{ id: "third-party", name: "Third-party services" }],
      components: [
        { id: "lms", name: "Instructure", group: "third-party" },
        { id: "app", name: "App", dependsOn: ["lms"] },
      ],
      monitors: [
        {
          id: "instructure",
          kind: "statuspage",
          url: providerUrl(name),
          components: ["lms"],
          intervalSeconds: 3600,
          ...options,
        },
      ],
    }),
  );
  await kick();
}

async function statusOf(componentId: string) {
  const snapshot = await pageObject().snapshot();
  return snapshot.components.find((c) => c.id === componentId)?.status;
}

const observation = () => observationOf("instructure");

const read = () => runGroup("instructure");

pinFlagsForFile({ probing: true, automatic_incidents: true });

describe("a statuspage monitor", () => {
  it("mirrors the provider through an incident: operational, degraded, partial outage with its incident, resolved", async () => {
    await provider("life", "operational");
    await follow("life", { providerComponents: ["Canvas"] });
    await read();
    expect(await statusOf("lms")).toBe("operational");
    expect((await observation())?.name).toBe("Instructure");

    await provider("life", "degraded");
    await read();
    expect(await statusOf("lms")).toBe("degraded_performance");

    await provider("life", "incident");
    await read();
    expect(await statusOf("lms")).toBe("partial_outage");
    const during = await observation();
    expect(during?.incidents).toHaveLength(1);
    expect(during?.incidents[0]?.name).toMatch(/Amazon Web Services/);
    expect(during?.incidents[0]?.url).toBe("https://stspg.io/0vf16sb2j8xn");
    expect(during?.incidents[0]?.latestUpdate?.status).toBe("identified");
    // The component that depends on it is not driven by it: only its own monitors move it.
    expect(await statusOf("app")).toBe("operational");

    await provider("life", "resolved");
    await read();
    expect(await statusOf("lms")).toBe("operational");
    expect((await observation())?.incidents).toEqual([]);
  });

  it("links to a provider page people can read: its status and open incident", async () => {
    await provider("human", "incident");
    const response = await fetch(providerUrl("human"));
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toContain("<h1>Instructure</h1>");
    expect(html).toContain("Partial System Outage");
    expect(html).toMatch(/<strong>Amazon Web Services[^<]*<\/strong> \(identified\)/);
  });

  it("states maintenance as the provider does", async () => {
    await provider("maint", "maintenance");
    await follow("maint", { providerComponents: ["Canvas"] });
    await read();
    expect(await statusOf("lms")).toBe("under_maintenance");
  });

  it("asks whether the page changed, and a 304 keeps what was observed", async () => {
    await provider("etag", "incident");
    await follow("etag");
    await read();
    const first = await providerStats("etag");
    expect(first.conditional).toBe(0);
    await read();
    await read();
    const after = await providerStats("etag");
    expect(after.requests - first.requests).toBeGreaterThanOrEqual(2);
    expect(after.conditional).toBe(after.requests - first.requests);
    expect(after.notModified).toBe(after.conditional);
    expect(await statusOf("lms")).toBe("partial_outage");
    expect((await observation())?.incidents).toHaveLength(1);
  });

  it("takes its validators and what it observed along when it moves to another group", async () => {
    await provider("move", "incident");
    // Two more monitors keep the group on the hourly interval when this one leaves it.
    const configWith = (intervalSeconds: number) =>
      defineConfig({
        page: { name: "Depends", url: "https://status.depends.test" },
        components: [
          { id: "lms", name: "Instructure" },
          { id: "other-a", name: "Other A" },
          { id: "other-b", name: "Other B" },
        ],
        monitors: [
          { id: "instructure", kind: "statuspage", url: providerUrl("move"), components: ["lms"], intervalSeconds },
          ...["other-a", "other-b"].map((id) => ({
            id,
            kind: "statuspage" as const,
            url: providerUrl("move-other"),
            components: [id],
            intervalSeconds: 3600,
          })),
        ],
      });
    await pageObject().reconcile(configWith(3600));
    await kick();
    await read();
    const from = await groupOf("instructure");
    expect(await groupOf("other-a")).toBe(from);
    await pageObject().reconcile(configWith(1800));
    await kick();
    expect(await groupOf("instructure")).not.toBe(from);
    const before = await providerStats("move");
    await read();
    const after = await providerStats("move");
    expect(after.conditional - before.conditional).toBe(1);
    expect(after.notModified - before.notModified).toBe(1);
    expect(await statusOf("lms")).toBe("partial_outage");
    expect((await observation())?.incidents).toHaveLength(1);
  });

  for (const failure of ["down", "html", "truncated", "big", "hang"] as const) {
    it(`keeps the last stated status and says since when it cannot read a page that is ${failure}`, async () => {
      const name = `fail-${failure}`;
      await provider(name, "degraded");
      await follow(name, { providerComponents: ["Canvas"], timeoutMs: 1_000 });
      await read();
      expect(await statusOf("lms")).toBe("degraded_performance");

      await provider(name, failure);
      const before = Date.now();
      await read();
      const seen = await observation();
      expect(seen?.status).toBe("unknown");
      expect(seen?.lastKnown).toBe("degraded_performance");
      expect(seen?.unavailableSince).toBeGreaterThanOrEqual(before - 1_000);
      expect(seen?.problem).toMatch(
        {
          down: /answered 503/,
          html: /not JSON/,
          truncated: /not JSON/,
          big: /longer than 1048576 bytes/,
          hang: /no answer within 1000 ms/,
        }[failure],
      );
      // Unknown is not down: the component keeps what the provider last stated, the monitor its state.
      expect(await statusOf("lms")).toBe("degraded_performance");
      expect((await inspectMonitor("instructure")).memory?.state).toBe("degraded");

      // A second failed reading keeps the first one's time: unavailable since then.
      await read();
      expect((await observation())?.unavailableSince).toBe(seen?.unavailableSince);

      await provider(name, "operational");
      await read();
      expect(await statusOf("lms")).toBe("operational");
      expect((await observation())?.unavailableSince).toBeNull();
    });
  }

  it("counts the time its page cannot be read as no data, not as the outage it last stated", async () => {
    await provider("nodata", "incident");
    await follow("nodata", { providerComponents: ["Canvas"], timeoutMs: 1_000 });
    await read();
    const partialSeconds = async () => {
      const lms = (await pageObject().snapshot()).components.find((c) => c.id === "lms");
      return { status: lms?.status, seconds: lms?.uptimeWindows[0]?.partialOutageSeconds ?? 0 };
    };
    const asked = Date.now();
    const before = await partialSeconds();
    expect(before.status).toBe("partial_outage");
    // The failed reading waits its whole second: the snapshot after it comes that long after the page went unknown.
    await provider("nodata", "hang");
    await read();
    const unavailableSince = (await observation())?.unavailableSince ?? 0;
    const after = await partialSeconds();
    // The label keeps what the provider last stated; the uptime counts it only until the page went unknown.
    expect(after.status).toBe("partial_outage");
    // (1 ms for the float arithmetic of seconds.)
    expect((after.seconds - before.seconds) * 1000).toBeLessThanOrEqual(unavailableSince - asked + 1);
  });

  it("ends a stretch of unreadable page when it stops following one, and keeps past stretches where they were", async () => {
    const stretches = () =>
      runInDurableObject(pageObject(), (_instance, state) =>
        state.storage.sql
          .exec<{ component_id: string; until: number | null }>(
            `SELECT component_id, until FROM provider_unreadable WHERE monitor_id = 'ender'`,
          )
          .toArray(),
      );
    const withMonitor = (monitor: Record<string, unknown>) =>
      defineConfig({
        page: { name: "Depends", url: "https://status.depends.test" },
        components: [
          { id: "lms", name: "Instructure" },
          { id: "other", name: "Other" },
        ],
        monitors: [{ id: "ender", intervalSeconds: 3600, ...monitor } as never],
      });
    await provider("ends", "operational");
    await pageObject().reconcile(
      withMonitor({ kind: "statuspage", url: providerUrl("ends"), components: ["lms"], timeoutMs: 1_000 }),
    );
    await kick();
    await runGroup("ender");
    await provider("ends", "down");
    await runGroup("ender");
    expect((await stretches()).filter((s) => s.until === null).map((s) => s.component_id)).toEqual(["lms"]);
    // Driving another component from now on: the open stretch stays the one it drove.
    await pageObject().reconcile(
      withMonitor({ kind: "statuspage", url: providerUrl("ends"), components: ["other"], timeoutMs: 1_000 }),
    );
    await kick();
    await runGroup("ender");
    expect((await stretches()).map((s) => s.component_id)).toEqual(["lms"]);
    // Turned into an HTTP monitor: nobody follows the page, so the stretch ends.
    await pageObject().reconcile(withMonitor({ url: targetUrl("/healthy"), components: ["lms"] }));
    await kick();
    const after = await stretches();
    expect(after).toHaveLength(1);
    expect(after[0]?.until).not.toBeNull();
  });

  it("never reads more than its cap of a 50 MB page", async () => {
    await provider("cap", "big");
    const before = await statusOf("lms");
    await follow("cap");
    await read();
    const stats = await providerStats("cap");
    // What left the server includes what loopback's socket buffers took before the cancel landed (several MB);
    // the page itself is 50 MB, so well under half of it means the reading was cut, not downloaded.
    expect(stats.bytesWritten).toBeLessThan(20 * 1_048_576);
    expect((await observation())?.status).toBe("unknown");
    // Never read before: nothing stated, nothing mirrored; the component keeps its status.
    expect(await statusOf("lms")).toBe(before);
  });

  it("never opens a monitor alert, even when the canary's return makes every monitor's alert catch up", async () => {
    await provider("canary", "incident");
    await pageObject().reconcile(
      defineConfig({
        page: { name: "Depends", url: "https://status.depends.test" },
        components: [{ id: "lms", name: "Instructure" }],
        monitors: [
          {
            id: "instructure",
            kind: "statuspage",
            url: providerUrl("canary"),
            components: ["lms"],
            intervalSeconds: 3600,
          },
          {
            id: "canary",
            role: "canary",
            url: targetUrl(`/flaky/canary-${run}/1`),
            intervalSeconds: 3600,
            failuresToDown: 1,
            successesToUp: 1,
          },
        ],
      }),
    );
    await kick();
    // The canary fails its first check and passes the next, wherever earlier tests left the groups.
    for (let i = 0; i < 2; i++) {
      await read();
      await runGroup("canary");
    }
    const alerts = await runInDurableObject(pageObject(), (_instance, state) =>
      state.storage.sql.exec<{ key: string }>(`SELECT key FROM alerts`).toArray(),
    );
    expect(alerts.map((a) => a.key)).not.toContain("monitor:instructure");
    expect((await inspectMonitor("canary")).memory?.state).toBe("up");
    expect(await statusOf("lms")).toBe("partial_outage");
  });

  it("turned into an HTTP monitor under the same id, drives and alerts like one: nothing of the provider carries over", async () => {
    await provider("kind", "operational");
    await follow("kind");
    await read();
    expect(await statusOf("lms")).toBe("operational");
    await pageObject().reconcile(
      defineConfig({
        page: { name: "Depends", url: "https://status.depends.test" },
        components: [{ id: "lms", name: "Instructure" }],
        monitors: [
          {
            id: "instructure",
            url: targetUrl("/status/500"),
            components: ["lms"],
            intervalSeconds: 3600,
            failuresToDown: 1,
          },
        ],
      }),
    );
    await kick();
    expect(await observation()).toBeNull();
    await read();
    expect((await inspectMonitor("instructure")).memory?.state).toBe("down");
    expect(await statusOf("lms")).toBe("major_outage");
    const alerts = await runInDurableObject(pageObject(), (_instance, state) =>
      state.storage.sql
        .exec<{ key: string }>(`SELECT key FROM alerts WHERE status != 'resolved'`)
        .toArray()
        .map((a) => a.key),
    );
    expect(alerts).toContain("monitor:instructure");
  });

  it("is unknown when what it follows is not on the page, naming what it looked for", async () => {
    await provider("renamed", "incident");
    const before = await statusOf("lms");
    await follow("renamed", { providerComponents: ["Moodle"] });
    await read();
    const seen = await observation();
    expect(seen?.status).toBe("unknown");
    expect(seen?.problem).toBe('the page lists none of "Moodle"');
    // It follows something new: what it knew of the old page is gone, and nothing new is stated.
    expect(seen?.lastKnown).toBeNull();
    expect((await inspectMonitor("instructure")).memory).toBeNull();
    expect(await statusOf("lms")).toBe(before);
  });
});
