import { monitorObjectName } from "../core/monitors/monitor-report.ts";

/** Every page lives in one StatusPage object; the name is fixed so all edges find it. */
export function statusPageStub(env: Env) {
  return env.STATUS_PAGE.get(env.STATUS_PAGE.idFromName("page"));
}

/** The Monitor object for one monitor in one region, placed near that region when first created. */
export function monitorStub(env: Env, monitorId: string, region: string) {
  const id = env.MONITOR.idFromName(monitorObjectName(monitorId, region));
  return region === "default"
    ? env.MONITOR.get(id)
    : env.MONITOR.get(id, { locationHint: region as DurableObjectLocationHint });
}
