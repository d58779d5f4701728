import { describe, expect, it } from "vitest";
import { api } from "../helpers/workers/api.ts";
import { fetchWorker } from "../helpers/workers/worker.ts";

/**
 * POST /api/v1/incidents/:id/updates/preview: what posting the update would
 * record, worked out by the code that posts it, with nothing written (the
 * console's preview reads it). The console's own test compares it with the
 * real post (test/integration/console/update-preview-exact.test.ts).
 */
const version = async () => (await (await fetchWorker("/healthCheck")).json<{ version: number }>()).version;

async function declare(components: Record<string, string>) {
  const declared = await api("POST", "/incidents", {
    body: { name: "Preview me", message: "Looking.", components },
  });
  expect(declared.status).toBe(201);
  return declared.body.id as string;
}

describe("previewing an incident update through the API", () => {
  it("answers the changes and affected components the post then records, writing nothing", async () => {
    const id = await declare({ api: "major_outage" });
    const before = await api("GET", `/incidents/${id}`);
    const auditBefore = (await api("GET", "/audit?limit=1")).body.data[0];
    const pageVersion = await version();
    const body = {
      status: "identified",
      message: "Found it.",
      components: { "object-storage": "degraded_performance" },
    };
    const preview = await api("POST", `/incidents/${id}/updates/preview`, { body });
    expect(preview.status).toBe(200);
    expect(preview.body.components).toEqual({ "object-storage": "degraded_performance" });

    const after = await api("GET", `/incidents/${id}`);
    expect(after.body.revision).toBe(before.body.revision);
    expect(after.body.updates.length).toBe(before.body.updates.length);
    expect((await api("GET", "/audit?limit=1")).body.data[0]).toEqual(auditBefore);
    expect(await version()).toBe(pageVersion);

    const posted = await api("POST", `/incidents/${id}/updates`, { body });
    expect(posted.status).toBe(201);
    expect(posted.body.updates[0].affectedComponents).toEqual(preview.body.affectedComponents);
  });

  it("refuses what posting refuses: a transition from resolved to postmortem, an unknown component", async () => {
    const id = await declare({ api: "partial_outage" });
    const postmortem = await api("POST", `/incidents/${id}/updates/preview`, {
      body: { status: "postmortem", message: "Too early." },
    });
    expect(postmortem.status).toBe(409);
    const unknown = await api("POST", `/incidents/${id}/updates/preview`, {
      body: { status: "identified", message: "x", components: { "no-such-component": "major_outage" } },
    });
    expect(unknown.status).toBe(422);
    expect(
      (await api("POST", "/incidents/nope/updates/preview", { body: { status: "identified", message: "x" } })).status,
    ).toBe(404);
  });

  it("needs the incidents scope", async () => {
    const id = await declare({});
    const token = await api("POST", "/tokens", { body: { name: "reader", scopes: ["read"] } });
    expect(token.status).toBe(201);
    const refused = await api("POST", `/incidents/${id}/updates/preview`, {
      token: token.body.token,
      body: { status: "identified", message: "x" },
    });
    expect(refused.status).toBe(403);
  });
});
