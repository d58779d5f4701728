import { beforeAll, describe, expect, it } from "vitest";
import config from "#lookout-config";
import { api } from "../helpers/workers/api.ts";

// The page's first start in this run (schema, config, monitors) takes seconds on a busy machine; it is not under test.
beforeAll(async () => {
  expect((await api("GET", "/incidents?limit=1")).status).toBe(200);
}, 30_000);

describe("monitors' state for the read scope", () => {
  it("lists every monitor's components and state per region to a read token, never a check-in path", async () => {
    const { body: token } = await api("POST", "/tokens", { body: { name: "viewer", scopes: ["read"] } });
    // The full list carries check-in paths (secrets): still refused to `read`.
    expect((await api("GET", "/monitors", { token: token.token })).status).toBe(403);
    const states = await api("GET", "/monitor-states", { token: token.token });
    expect(states.status).toBe(200);
    expect(states.body.data.map((m: { id: string }) => m.id).sort()).toEqual(config.monitors.map((m) => m.id).sort());
    for (const monitor of states.body.data) {
      expect(monitor.regions.length, monitor.id).toBeGreaterThan(0);
      expect(monitor).not.toHaveProperty("heartbeatPath");
      // What Lookout's own verdict needs (down only when `quorum` regions agree) and what down means for its components.
      const declared = config.monitors.find((m) => m.id === monitor.id);
      expect(monitor.quorum, monitor.id).toBe(
        declared?.quorum ?? Math.floor(Math.max(1, monitor.regions.length) / 2) + 1,
      );
      expect(monitor.downStatus, monitor.id).toBe(declared?.downStatus);
    }
    const full = await api("GET", "/monitors");
    const secret = full.body.data.find((m: { heartbeatPath: string | null }) => m.heartbeatPath).heartbeatPath;
    expect(JSON.stringify(states.body)).not.toContain(secret.split("/").at(-1));
  });

  it("is refused to a token with neither read nor monitors", async () => {
    const { body: token } = await api("POST", "/tokens", { body: { name: "flags", scopes: ["flags"] } });
    expect((await api("GET", "/monitor-states", { token: token.token })).status).toBe(403);
  });
});

describe("components for the read scope", () => {
  it("lists every component with its status, hidden ones marked, to a read token", async () => {
    const { body: token } = await api("POST", "/tokens", { body: { name: "viewer", scopes: ["read"] } });
    const listed = await api("GET", "/components", { token: token.token });
    expect(listed.status).toBe(200);
    const ids = listed.body.data.map((c: { id: string }) => c.id);
    expect(ids.sort()).toEqual(config.components.map((c) => c.id).sort());
    const hidden = config.components.filter((c) => c.hidden).map((c) => c.id);
    for (const component of listed.body.data) {
      expect(component.hidden, component.id).toBe(hidden.includes(component.id));
      expect(component.status, component.id).toMatch(/^[a-z_]+$/);
    }
  });
});
