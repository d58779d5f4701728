import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import { Miniflare } from "miniflare";
import { unstable_getDurableObjectClassNameToUseSQLiteMap, unstable_readConfig } from "wrangler";
import type { LookoutConfig } from "../worker/core/config/schema.ts";
import type { GroupAssignment } from "../worker/core/monitors/handover.ts";
import type { MonitorReport } from "../worker/core/monitors/monitor-report.ts";
import type { PageSnapshot } from "../worker/core/read-model.ts";
import { ADMIN_TOKEN } from "./api-client.ts";
import { bundle } from "./bundle.ts";

/** The project root: wrangler.toml, static/ and node_modules/ are found from here. */
export const ROOT = resolve(import.meta.dirname, "..");
const WORKER = "lookout";
const DRIVER = "bench-driver";

/** One RPC call to a StatusPage object: the method's name, then its arguments. */
export type Call =
  | ["snapshot"]
  | ["reconcile", LookoutConfig]
  | ["tick", LookoutConfig]
  | ["reportMonitor", MonitorReport]
  | ["reportMonitors", string, MonitorReport[]]
  | ["subscribe", string, string[] | null]
  | ["confirmSubscription", string];

/**
 * The StatusPage object's RPC surface as the benchmark uses it: reads, and
 * applying a config as a deploy does. Declared here rather than taken from the
 * class, whose workerd-only types the Node tsconfig does not load. Everything
 * a communicator writes goes through the API (`RunningWorker.apiAt`).
 */
export interface StatusPageRpc {
  snapshot(): Promise<PageSnapshot>;
  reconcile(config: LookoutConfig): Promise<unknown>;
}

/**
 * The parts of wrangler.toml the benchmark reads. wrangler's declarations
 * refer to a types package it does not ship, so its Config arrives untyped.
 */
interface WranglerConfig {
  compatibility_date?: string;
  compatibility_flags: string[];
  vars: Record<string, unknown>;
  durable_objects: { bindings: { name: string; class_name: string }[] };
  migrations: unknown[];
  assets?: { directory?: string; binding?: string };
}

/**
 * One RPC call to a Monitor object, a probe group (see durable-objects/monitor/monitor.ts):
 * what it checks, a monitor handed over, what it holds, a heartbeat monitor's call.
 */
export type MonitorCall =
  | ["inspect"]
  | ["inspectMonitor", string]
  | ["assign", string, GroupAssignment]
  | ["handOver", string]
  | ["heartbeat", string];

/** What Monitor.inspect() returns for the group; declared here for the same reason as StatusPageRpc. */
export interface GroupInspection {
  name: string | null;
  members: string[];
  nextCheckAt: number | null;
  /** Rows of its `runs` table: one per run, 48 h at most. */
  runs: number;
  storageBytes: number;
}

/** What Monitor.inspectMonitor(id) returns for one of its monitors. */
export interface MonitorInspection {
  monitorId: string | null;
  region: string | null;
  slow: boolean;
  nextCheckAt: number | null;
  samples: number;
  storageBytes: number;
}

export interface StartOptions {
  /**
   * Durable Object classes kept in memory between events (Miniflare's
   * unsafePreventEviction). The StatusPage class always is: an evicted one
   * would restart and re-apply lookout.config.ts over whatever the bench set.
   * Others follow workerd's default, evicted after 10 s idle, unless named.
   */
  preventEviction?: readonly string[];
  /** Sees each line workerd logs; returning true swallows it, otherwise it is printed as usual. */
  onLog?: (level: string, message: string) => boolean;
  /** Text bindings beside wrangler.toml's vars and the bench's ADMIN_TOKEN (bench/api-client.ts). */
  vars?: Record<string, string>;
}

export interface RunningWorker {
  /** Lookout's public address: what a browser would fetch. */
  url: URL;
  /** The object named `name` (the Worker's `/` always reads the one named "page"). */
  object(name: string): StatusPageRpc;
  /**
   * Where the communicator API (`/api/v1/…` below it) reaches the object named
   * `name`: served by the bench driver (bench/driver-api.ts), since Lookout's own
   * `url` reaches only "page", and from another isolate than the readers'.
   */
  apiAt(name: string): URL;
  /** Several calls to one object in one round trip from Node; they run in order. */
  batch(name: string, calls: readonly Call[]): Promise<unknown[]>;
  /** Raw SQL inside an object, for history no RPC can write: status changes in the past. */
  sql(name: string, query: string, ...params: (string | number | null)[]): Promise<Record<string, unknown>[]>;
  /**
   * Several calls to one Monitor object in one round trip; they run in order. A probe group is named
   * `group:N@{region}` (worker/core/monitors/probe-groups.ts), a heartbeat's object `{monitorId}@{region}`.
   */
  monitorBatch(name: string, calls: readonly MonitorCall[]): Promise<unknown[]>;
  /** Raw SQL inside a Monitor object, named as for monitorBatch. */
  monitorSql(name: string, query: string, ...params: (string | number | null)[]): Promise<Record<string, unknown>[]>;
  /** Bytes of the deployed bundle, for the report. */
  bundleBytes: number;
  /** The workerd process Miniflare started, for its CPU time in /proc (null when not found). */
  workerdPid: number | null;
  dispose(): Promise<void>;
}

/** Builds the Worker exactly as `wrangler deploy` would upload it; returns the bundle's path. */
export async function buildWorker(outdir: string): Promise<string> {
  await promisify(execFile)(
    join(ROOT, "node_modules/.bin/wrangler"),
    // --env "" picks the top-level (local) environment and silences the multiple-environments warning.
    ["deploy", "--dry-run", "--outdir", outdir, "--env", ""],
    { cwd: ROOT, env: { ...process.env, FORCE_COLOR: "0" } },
  );
  return join(outdir, "index.js");
}

/**
 * Runs the built bundle in workerd through Miniflare with the bindings
 * wrangler.toml declares (a new binding or a compatibility-date bump reaches
 * the benchmark without editing it), plus the bench driver beside it.
 */
export async function startWorker(
  bundlePath: string,
  scratch: string,
  options: StartOptions = {},
): Promise<RunningWorker> {
  const config: WranglerConfig = unstable_readConfig({ config: join(ROOT, "wrangler.toml") }, { hideWarnings: true });
  const statusPage = config.durable_objects.bindings.find((binding) => binding.name === "STATUS_PAGE");
  if (!statusPage) throw new Error("wrangler.toml has no STATUS_PAGE Durable Object binding");
  const monitor = config.durable_objects.bindings.find((binding) => binding.name === "MONITOR");
  const sqliteClasses: Map<string, boolean> = unstable_getDurableObjectClassNameToUseSQLiteMap(config.migrations);
  const keepInMemory = new Set([statusPage.class_name, ...(options.preventEviction ?? [])]);
  const bindingOf = (className: string) => ({ type: "durable-object", worker: WORKER, exportName: className }) as const;
  const objectBinding = bindingOf(statusPage.class_name);

  // Every Durable Object binding wrangler.toml declares, so the StatusPage object can kick Monitor objects.
  const env: Record<string, unknown> = {};
  const exports: Record<string, unknown> = {};
  for (const binding of config.durable_objects.bindings) {
    env[binding.name] = bindingOf(binding.class_name);
    exports[binding.class_name] = {
      type: "durable-object",
      storage: sqliteClasses.get(binding.class_name) === true ? "sqlite" : "legacy-kv",
      // An evicted StatusPage would restart and re-apply lookout.config.ts over the reference page.
      ...(keepInMemory.has(binding.class_name) ? { unsafePreventEviction: true } : {}),
    };
  }
  for (const [name, value] of Object.entries(config.vars)) {
    env[name] = { type: "text", value: typeof value === "string" ? value : JSON.stringify(value) };
  }
  // Every bench Worker accepts the bench's bootstrap token, so each can be written to through the API.
  env.ADMIN_TOKEN = { type: "text", value: ADMIN_TOKEN };
  // Every object start logs at info; the table is easier to read without those. Warnings still show.
  // The cost benchmark sets it to debug through `vars`, for the objects' cost lines.
  env.LOG_LEVEL = { type: "text", value: "warn" };
  for (const [name, value] of Object.entries(options.vars ?? {})) env[name] = { type: "text", value };
  const assetsDirectory = config.assets?.directory ? resolve(ROOT, config.assets.directory) : undefined;
  if (assetsDirectory && config.assets?.binding) env[config.assets.binding] = { type: "assets" };

  const workerSource = readFileSync(bundlePath, "utf8");
  const driverPath = await bundle(join(ROOT, "bench/driver.worker.ts"), join(scratch, "driver.mjs"), "neutral");
  const compatibilityDate = config.compatibility_date ?? "2026-11-01";

  const onLog = options.onLog;
  const workerdBefore = workerdChildren();
  const mf = new Miniflare({
    host: "127.0.0.1",
    port: 0,
    unsafeInspectDurableObjects: true,
    ...(onLog
      ? {
          handleStructuredLogs: ({ level, message }: { level: string; message: string }) => {
            if (onLog(level, message)) return;
            if (level === "error" || level === "warn") console.error(message);
            else console.log(message);
          },
        }
      : {}),
    workers: [
      {
        config: {
          name: WORKER,
          compatibilityDate,
          compatibilityFlags: config.compatibility_flags,
          manifest: {
            mainModule: "index.js",
            modulesRoot: dirname(bundlePath),
            modules: { "index.js": { type: "esm", contents: workerSource } },
          },
          // Miniflare types bindings and exports as deep zod unions; the shapes above follow its schema.
          env: env as never,
          exports: exports as never,
          ...(assetsDirectory ? { assets: { directory: assetsDirectory, hasUserWorker: true } } : {}),
        },
      },
      {
        config: {
          name: DRIVER,
          compatibilityDate,
          manifest: {
            mainModule: "driver.mjs",
            modulesRoot: scratch,
            modules: { "driver.mjs": { type: "esm", contents: readFileSync(driverPath, "utf8") } },
          },
          env: {
            STATUS_PAGE: objectBinding,
            ...(monitor ? { MONITOR: bindingOf(monitor.class_name) } : {}),
          },
        },
        // Its own socket, so Lookout's public address serves nothing but Lookout.
        dev: { unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }] },
      },
    ],
  });
  const url = await mf.ready;
  const driverUrl = await mf.unsafeGetDirectURL(DRIVER);
  const workerdPid = [...workerdChildren()].find((pid) => !workerdBefore.has(pid)) ?? null;

  const batch = async (name: string, calls: readonly Call[]): Promise<unknown[]> => {
    const response = await fetch(driverUrl, { method: "POST", body: JSON.stringify({ object: name, calls }) });
    if (!response.ok) throw new Error(`StatusPage "${name}": ${await response.text()}`);
    return (await response.json()) as unknown[];
  };
  const monitorBatch = async (name: string, calls: readonly MonitorCall[]): Promise<unknown[]> => {
    const response = await fetch(driverUrl, { method: "POST", body: JSON.stringify({ monitor: name, calls }) });
    if (!response.ok) throw new Error(`Monitor "${name}": ${await response.text()}`);
    return (await response.json()) as unknown[];
  };
  const one = async <T>(name: string, call: Call): Promise<T> => (await batch(name, [call]))[0] as T;

  return {
    url,
    bundleBytes: Buffer.byteLength(workerSource),
    batch,
    object: (name) => ({
      snapshot: () => one(name, ["snapshot"]),
      reconcile: (next) => one(name, ["reconcile", next]),
    }),
    apiAt: (name) => new URL(`objects/${encodeURIComponent(name)}/`, driverUrl),
    sql: async (name, query, ...params) => {
      const storage = await mf.unsafeGetDurableObjectStorage(WORKER, statusPage.class_name, { name });
      return storage.exec(query, ...params);
    },
    monitorBatch,
    monitorSql: async (name, query, ...params) => {
      if (!monitor) throw new Error("wrangler.toml has no MONITOR Durable Object binding");
      const storage = await mf.unsafeGetDurableObjectStorage(WORKER, monitor.class_name, { name });
      return storage.exec(query, ...params);
    },
    workerdPid,
    dispose: () => mf.dispose(),
  };
}

/** This process's workerd children (Miniflare spawns workerd directly), found through /proc; none elsewhere. */
function workerdChildren(): Set<number> {
  const found = new Set<number>();
  let entries: string[] = [];
  try {
    entries = readdirSync("/proc");
  } catch {
    return found;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // pid (comm) state ppid ...: comm may hold spaces, so read past its closing parenthesis.
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === process.pid && comm.startsWith("workerd")) found.add(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}
