import { monitorObjectName } from "../core/monitors/monitor-report.ts";

/** Every page lives in one StatusPage object; the name is fixed so all edges find it. */
export function statusPageStub(env: Env) {
  return env.STATUS_PAGE.get(env.STATUS_PAGE.idFromName("page"));
}

/** The Monitor object named `name` (a probe group, worker/core/monitors/probe-groups.ts), placed near its region when first created. */
export function monitorObject(env: Env, name: string, region: string) {
  const id = env.MONITOR.idFromName(name);
  return region === "default"
    ? env.MONITOR.get(id)
    : env.MONITOR.get(id, { locationHint: region as DurableObjectLocationHint });
}

/** A heartbeat monitor's own Monitor object, where its job's calls go. */
export function monitorStub(env: Env, monitorId: string, region: string) {
  return monitorObject(env, monitorObjectName(monitorId, region), region);
}
