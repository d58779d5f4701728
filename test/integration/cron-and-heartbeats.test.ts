import {
  createExecutionContext,
  createScheduledController,
  runDurableObjectAlarm,
  waitOnExecutionContext,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import config from "../../lookout.config.ts";
import { heartbeatToken } from "../../worker/core/heartbeat-token.ts";
import worker from "../../worker/index.ts";
import { monitorStub } from "../../worker/platform/stubs.ts";
import { api } from "../helpers/workers/api.ts";
import { pinFlagsForFile } from "../helpers/workers/flags.ts";
import { kick } from "../helpers/workers/kicks.ts";
import { inspectMonitor } from "../helpers/workers/monitor-objects.ts";
import { fetchWorker } from "../helpers/workers/worker.ts";

// The heartbeat's checks must run, whatever the run's flags.
pinFlagsForFile({ probing: true });

describe("the cron heartbeat", () => {
  it("starts every monitor of the deployed config through the scheduled handler", async () => {
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ cron: "* * * * *", scheduledTime: Date.now() }), env, ctx);
    await waitOnExecutionContext(ctx);
    await kick();
    for (const monitor of config.monitors) {
      const inspection = await inspectMonitor(monitor.id);
      expect(inspection.monitorId, monitor.id).toBe(monitor.id);
      expect(inspection.nextCheckAt, monitor.id).not.toBeNull();
    }
  });
});

describe("heartbeat URLs", () => {
  const heartbeat = config.monitors.find((m) => m.kind === "heartbeat");

  it("records a call from the job, which the next check counts as up", async () => {
    expect(heartbeat, "the example config has a heartbeat monitor").toBeDefined();
    const id = heartbeat?.id ?? "";
    const token = await heartbeatToken("test-heartbeat-secret", id);
    const response = await fetchWorker(`/heartbeat/${id}/${token}`, { method: "POST" });
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.json()).toMatchObject({ ok: true, monitor: id });
    await monitorStub(env, id, "default").assign(`${id}@default`, {
      members: [{ monitor: heartbeat as NonNullable<typeof heartbeat>, region: "default", movedFrom: null }],
      probing: true,
      leaving: [],
    });
    expect(await runDurableObjectAlarm(monitorStub(env, id, "default"))).toBe(true);
    expect((await monitorStub(env, id, "default").inspectMonitor(id)).memory?.state).toBe("up");
  });

  it("answers a wrong token, an unknown monitor and a non-heartbeat monitor with the same 404", async () => {
    const id = heartbeat?.id ?? "";
    const apiToken = await heartbeatToken("test-heartbeat-secret", "api");
    for (const path of [
      `/heartbeat/${id}/not-the-token`,
      `/heartbeat/ghost/${apiToken}`,
      `/heartbeat/api/${apiToken}`,
    ]) {
      const response = await fetchWorker(path, { method: "POST" });
      expect(response.status, path).toBe(404);
      expect(await response.json()).toMatchObject({ error: "not_found" });
    }
  });
});

describe("the monitors list in the API", () => {
  it("gives each heartbeat monitor's check-in path, which works, and every monitor's regions", async () => {
    const { status, body } = await api("GET", "/monitors");
    expect(status).toBe(200);
    expect(body.data.map((m: { id: string }) => m.id).sort()).toEqual(config.monitors.map((m) => m.id).sort());
    const listed = body.data.find((m: { kind: string }) => m.kind === "heartbeat");
    expect(listed.heartbeatPath).toMatch(new RegExp(`^/heartbeat/${listed.id}/[A-Za-z0-9_-]+$`));
    expect(body.data.find((m: { kind: string }) => m.kind === "http").heartbeatPath).toBeNull();
    expect((await fetchWorker(listed.heartbeatPath, { method: "POST" })).status).toBe(200);
    for (const monitor of body.data) expect(monitor.regions.length, monitor.id).toBeGreaterThan(0);
  });

  it("needs the monitors scope", async () => {
    const { body } = await api("POST", "/tokens", { body: { name: "incidents only", scopes: ["incidents"] } });
    expect((await api("GET", "/monitors", { token: body.token })).status).toBe(403);
  });
});
