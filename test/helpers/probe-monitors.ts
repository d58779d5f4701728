import {
  type HttpMonitorConfig,
  monitorSchema,
  type TcpMonitorConfig,
} from "../../worker/core/monitors/monitor-config.ts";

/** An HTTP monitor as the config would give it, defaults filled in by the real schema. */
export function httpMonitor(fields: Partial<HttpMonitorConfig> & { url: string }): HttpMonitorConfig {
  const parsed = monitorSchema.parse({ id: "probe-test", components: ["api"], kind: "http", ...fields });
  if (parsed.kind !== "http") throw new Error("not an http monitor");
  return parsed;
}

/** A TCP monitor as the config would give it. */
export function tcpMonitor(fields: Partial<TcpMonitorConfig> & { host: string; port: number }): TcpMonitorConfig {
  const parsed = monitorSchema.parse({ id: "probe-test", components: ["api"], kind: "tcp", ...fields });
  if (parsed.kind !== "tcp") throw new Error("not a tcp monitor");
  return parsed;
}
