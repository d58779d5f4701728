import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../worker/app.tsx";
import { defineConfig } from "../../worker/config/define-config.ts";
import { api } from "../helpers/workers/api.ts";
import { pinFlagsForFile } from "../helpers/workers/flags.ts";
import { kick } from "../helpers/workers/kicks.ts";
import { runGroup } from "../helpers/workers/monitor-objects.ts";
import { observationOf } from "../helpers/workers/provider-observations.ts";
import { targetStats, targetUrl } from "../helpers/workers/targets.ts";
import { pageObject } from "../helpers/workers/worker.ts";

/**
 * A Lookout page is a valid provider for another Lookout page (issue 14,
 * "Dogfooding"): a statuspage monitor reads Lookout's own
 * `/api/v2/summary.json` and mirrors what it states. Here the page follows
 * its own "REST API": the summary is taken from the Worker exactly as readers
 * get it (bytes and ETag), handed to the tests' target server (/relay, which
 * only serves it back), and read from there by the monitor over real HTTP,
 * since nothing outside workerd can reach the Worker under test.
 */

/** The v2 JSON exactly as readers get it, without the edge cache's few seconds of freshness. */
const app = createApp({ freshMs: 0, maxStaleMs: 0, sharedCache: () => null });
const run = crypto.randomUUID().slice(0, 8);

/** What Lookout serves at /api/v2/summary.json now, put where the monitor reads it. */
async function publish(key: string): Promise<{ etag: string | null; body: string }> {
  const response = await app.request("/api/v2/summary.json", {}, env);
  expect(response.status).toBe(200);
  const body = await response.text();
  const etag = response.headers.get("etag");
  const headers: Record<string, string> = { "content-type": response.headers.get("content-type") ?? "" };
  if (etag) headers.etag = etag;
  const put = await fetch(targetUrl(`/relay/${run}-${key}`), { method: "PUT", headers, body });
  expect(put.status).toBe(204);
  return { etag, body };
}

async function follow(key: string, providerComponents?: string[]) {
  await pageObject().reconcile(
    defineConfig({
      page: { name: "Acme Cloud", url: "https://status.acme.test" },
      groups: [
        { id: "core", name: "Core platform" },
        { id: "third-party", name: "Third-party services" },
      ],
      components: [
        { id: "api", name: "REST API", group: "core" },
        { id: "auth", name: "Login & SSO", group: "core" },
        { id: "upstream", name: "Upstream Lookout", group: "third-party" },
      ],
      monitors: [
        {
          id: "upstream",
          kind: "statuspage",
          url: targetUrl(`/relay/${run}-${key}`),
          providerComponents,
          components: ["upstream"],
          intervalSeconds: 3600,
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

const observation = () => observationOf("upstream");

async function update(incident: string, body: Record<string, unknown>) {
  const answer = await api("POST", `/incidents/${incident}/updates`, { body });
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
}

const read = () => runGroup("upstream");

pinFlagsForFile({ probing: true });

describe("a Lookout page as a provider", () => {
  it("is read whole by a statuspage monitor, and every status and its incident are mirrored as stated", async () => {
    await follow("life", ["REST API"]);
    await publish("life");
    await read();
    const first = await observation();
    expect(first?.problem).toBeNull();
    expect(first?.name).toBe("Acme Cloud");
    expect(first?.pageUrl).toBe("https://status.acme.test");
    expect(await statusOf("upstream")).toBe("operational");

    const declared = await api("POST", "/incidents", {
      body: {
        name: "Elevated API errors",
        message: "We are investigating elevated error rates on the API.",
        components: { api: "partial_outage" },
      },
    });
    expect(declared.status).toBe(201);
    const incident: string = declared.body.id;
    await publish("life");
    await read();
    expect(await statusOf("upstream")).toBe("partial_outage");
    const during = await observation();
    expect(during?.incidents).toHaveLength(1);
    expect(during?.incidents[0]?.name).toBe("Elevated API errors");
    expect(during?.incidents[0]?.url).toBe(`https://status.acme.test/incidents/${incident}`);
    expect(during?.incidents[0]?.latestUpdate?.status).toBe("investigating");
    expect(during?.incidents[0]?.latestUpdate?.body).toBe("We are investigating elevated error rates on the API.");

    // Every status a Lookout component can have, one reading each: the same vocabulary both sides.
    // (Maintenance first: resolving hands an outage back, never a maintenance, which is a maintenance's to end.)
    for (const status of ["under_maintenance", "degraded_performance", "major_outage"] as const) {
      await update(incident, { status: "identified", message: `Now ${status}.`, components: { api: status } });
      await publish("life");
      await read();
      expect(await statusOf("upstream"), status).toBe(status);
      expect((await observation())?.incidents[0]?.latestUpdate?.body).toBe(`Now ${status}.`);
    }

    await update(incident, { status: "resolved", message: "Error rates are back to normal." });
    await publish("life");
    await read();
    expect(await statusOf("upstream")).toBe("operational");
    expect((await observation())?.incidents).toEqual([]);
  });

  it("follows a group by its name and a component by its id; what is not followed does not count", async () => {
    await follow("select", ["Core platform"]);
    await publish("select");
    await read();
    expect(await statusOf("upstream")).toBe("operational");

    const declared = await api("POST", "/incidents", {
      body: { name: "Slow logins", message: "Logins are slow.", components: { auth: "degraded_performance" } },
    });
    expect(declared.status).toBe(201);
    await publish("select");
    await read();
    expect(await statusOf("upstream")).toBe("degraded_performance");

    await follow("select", ["api"]);
    await read();
    expect(await statusOf("upstream")).toBe("operational");
    expect((await observation())?.incidents).toEqual([]);

    await update(declared.body.id, { status: "resolved", message: "Logins are fast again." });
  });

  it("answers a conditional reading with 304, and the monitor keeps what it observed", async () => {
    await follow("etag", ["REST API"]);
    const { etag } = await publish("etag");
    // Lookout itself answers its own validator with 304: the relay only does what Lookout does.
    expect(etag).toBeTruthy();
    const again = await app.request("/api/v2/summary.json", { headers: { "if-none-match": etag ?? "" } }, env);
    expect(again.status).toBe(304);

    await read();
    const before = await observation();
    const whole = await targetStats("relay", `${run}-etag`);
    expect(whole?.requests).toBe(1);
    expect(whole?.bytesWritten).toBeGreaterThan(0);
    await read();
    const after = await targetStats("relay", `${run}-etag`);
    expect(after?.requests).toBe(2);
    expect(after?.bytesWritten).toBe(whole?.bytesWritten);
    expect(await observation()).toEqual(before);
    expect(before?.problem).toBeNull();
  });
});
