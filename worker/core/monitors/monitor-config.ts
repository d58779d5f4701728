import { z } from "zod";

/**
 * Monitors as declared in `lookout.config.ts`. Four kinds: `http` (the
 * default: polls a URL, usually a `/healthCheck`), `tcp` (connects to
 * host:port), `heartbeat` (a job calls Lookout; silence means down) and
 * `statuspage` (follows a provider's status page).
 */

export const id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "must be lowercase letters, digits and dashes (max 63)");

/** Durable Object location hints: where a monitor's checks run from. */
export const REGIONS = ["wnam", "enam", "sam", "weur", "eeur", "apac", "oc", "afr", "me"] as const;
export type Region = (typeof REGIONS)[number];

/** 200, "2xx" or "200-204". */
const expectedStatus = z.union([
  z.number().int().min(100).max(599),
  z
    .string()
    .regex(/^([1-5]xx|[1-5]\d\d-[1-5]\d\d)$/, 'must be a code like 200, a class like "2xx" or a range like "200-299"'),
]);

const common = {
  id,
  name: z.string().trim().min(1).max(100).optional(),
  /** Components this monitor drives (none for a canary). */
  components: z.array(id).default([]),
  /**
   * "canary": a check of Lookout's own connectivity (a target that is always
   * up). While a canary fails, Lookout suspects itself and declares no outages.
   */
  role: z.enum(["service", "canary"]).default("service"),
  intervalSeconds: z.number().int().min(10, "must be at least 10").max(3600, "must be at most 3600").default(60),
  /** Where checks run from; empty means one check from wherever the object lives. */
  regions: z.array(z.enum(REGIONS)).max(REGIONS.length).default([]),
  /** Regions that must agree a target is down; default a majority. */
  quorum: z.number().int().min(1).optional(),
  /** Consecutive failed checks before the monitor is down. */
  failuresToDown: z.number().int().min(1).max(20).default(3),
  /** Consecutive good checks before a down monitor is up again. */
  successesToUp: z.number().int().min(1).max(20).default(2),
  /** The component status a down monitor sets. */
  downStatus: z.enum(["partial_outage", "major_outage"]).default("major_outage"),
};

/** A check given up on after this long, unless a monitor says otherwise (docs/decisions/0037-timeouts-fit-the-interval.md). */
export const DEFAULT_TIMEOUT_MS = 5_000;

/** The longest timeout a monitor checking every `intervalSeconds` may have: half its interval. */
export const longestTimeoutMs = (intervalSeconds: number) => intervalSeconds * 500;

const timeoutMs = z.number().int().min(100).max(60_000).default(DEFAULT_TIMEOUT_MS);
/** The most of a body a check reads (1 MB unless set, at most 4 MB); the rest is never downloaded. */
const maxBodyBytes = z
  .number()
  .int()
  .min(1_024)
  .max(4 * 1_048_576)
  .default(1_048_576);
const degradedAboveMs = z.number().int().min(1).max(60_000).optional();

const httpMonitor = z.strictObject({
  ...common,
  kind: z.literal("http"),
  url: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }),
  method: z.enum(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]).default("GET"),
  headers: z.record(z.string(), z.string()).default({}),
  body: z.string().max(65_536).optional(),
  expectedStatus: z.array(expectedStatus).min(1).default(["2xx"]),
  /** Text that must appear in the body. */
  keyword: z.string().min(1).max(1_000).optional(),
  /** Text that must not appear in the body. */
  keywordAbsent: z.string().min(1).max(1_000).optional(),
  /** A field of a JSON body that must have a value, e.g. { path: "checks.db.status", equals: "ok" }. */
  json: z
    .strictObject({
      path: z.string().regex(/^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/, 'must be a dotted path like "checks.db.status"'),
      equals: z.union([z.string(), z.number(), z.boolean(), z.null()]),
    })
    .optional(),
  timeoutMs,
  degradedAboveMs,
  followRedirects: z.boolean().default(true),
  maxRedirects: z.number().int().min(0).max(10).default(5),
  /** The most of the body read for keyword and JSON checks; the rest is never downloaded. */
  maxBodyBytes,
});

const tcpMonitor = z.strictObject({
  ...common,
  kind: z.literal("tcp"),
  host: z.string().min(1).max(253),
  port: z.number().int().min(1).max(65_535),
  timeoutMs,
  degradedAboveMs,
});

const heartbeatMonitor = z.strictObject({
  ...common,
  kind: z.literal("heartbeat"),
  // A missed call is already past its grace, and a call is proof of life: no need to wait for more.
  failuresToDown: common.failuresToDown.removeDefault().default(1),
  successesToUp: common.successesToUp.removeDefault().default(1),
  /** Extra time after the interval before a missing call counts as a failure. */
  graceSeconds: z.number().int().min(0).max(86_400).default(60),
});

/**
 * A provider's Statuspage-shaped page (Atlassian Statuspage, incident.io,
 * Instatus, another Lookout): its `/api/v2/summary.json` is read and the
 * components it drives mirror what the provider states. Providers decide
 * their own status, so one reading is enough either way; their pages are
 * cached for about a minute, so reading them more often learns nothing and
 * costs them (docs/decisions/0040-providers-are-statuspage-monitors.md).
 */
const statuspageMonitor = z.strictObject({
  ...common,
  kind: z.literal("statuspage"),
  /** The provider's status page, e.g. https://www.githubstatus.com (or its summary.json URL). */
  url: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }),
  /** The provider's components you follow, by id or name (a group counts its children); all when left out. */
  providerComponents: z.array(z.string().trim().min(1).max(200)).min(1).max(50).optional(),
  intervalSeconds: z
    .number()
    .int()
    .min(60, "must be at least 60: a provider's page changes at most about once a minute")
    .max(3600, "must be at most 3600")
    .default(60),
  failuresToDown: common.failuresToDown.removeDefault().default(1),
  successesToUp: common.successesToUp.removeDefault().default(1),
  timeoutMs,
  /**
   * The incident Lookout opens when the provider is in trouble, with the
   * `provider_outages` flag on: internal (the team sees it, readers do not)
   * unless you make it public, or none (docs/decisions/0043-what-a-provider-outage-does.md).
   */
  incident: z.enum(["none", "internal", "public"]).default("internal"),
  /** The most of the summary read; a longer one is not a summary Lookout can trust (it says so, unknown). */
  maxBodyBytes,
});

/**
 * `kind` may be left out for an HTTP monitor, the common case. The timeout
 * defaults to 5 s, or half the interval when that is shorter; a longer one
 * may be set, up to half the interval (config/schema.ts refuses more), so a
 * check that waits its whole timeout still ends well before the next is due
 * (docs/decisions/0037-timeouts-fit-the-interval.md).
 */
export const monitorSchema = z.preprocess(
  (value) => {
    if (typeof value !== "object" || value === null) return value;
    const monitor: Record<string, unknown> = { kind: "http", ...value };
    if (monitor.kind !== "heartbeat" && monitor.timeoutMs === undefined) {
      const interval = typeof monitor.intervalSeconds === "number" ? monitor.intervalSeconds : 60;
      monitor.timeoutMs = Math.max(100, Math.min(DEFAULT_TIMEOUT_MS, longestTimeoutMs(interval)));
    }
    return monitor;
  },
  z.discriminatedUnion("kind", [httpMonitor, tcpMonitor, heartbeatMonitor, statuspageMonitor]),
);

export type MonitorConfig = z.output<typeof monitorSchema>;
export type HttpMonitorConfig = z.output<typeof httpMonitor>;
export type TcpMonitorConfig = z.output<typeof tcpMonitor>;
export type HeartbeatMonitorConfig = z.output<typeof heartbeatMonitor>;
export type StatuspageMonitorConfig = z.output<typeof statuspageMonitor>;
