import { z } from "zod";
import { channelSchema } from "../alerting/channels.ts";
import { policySchema, routeSchema } from "../alerting/policies.ts";
import { id, longestTimeoutMs, monitorSchema } from "../monitors/monitor-config.ts";
import { dependencyCycle } from "../providers/dependency-cycles.ts";
import { checkConsole } from "./console-checks.ts";
import { consoleSchema, DEFAULT_SEVERITIES } from "./console-schema.ts";

/**
 * The shape of `lookout.config.ts`. Ids are the stable identity of a group,
 * component or monitor: renaming keeps history, changing the id starts afresh.
 */

const timeZone = z.string().refine(isTimeZone, "must be an IANA time zone such as Etc/UTC or Europe/Berlin");

const pageSchema = z.strictObject({
  id: z
    .string()
    .regex(/^[a-z0-9]{4,32}$/, "must be 4–32 lowercase letters or digits")
    .optional(),
  name: z.string().trim().min(1, "must not be empty").max(100),
  url: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }),
  timeZone: timeZone.default("Etc/UTC"),
  homepage: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional(),
});

const groupSchema = z.strictObject({
  id,
  name: z.string().trim().min(1, "must not be empty").max(100),
  description: z.string().max(500).optional(),
});

const componentSchema = z.strictObject({
  id,
  name: z.string().trim().min(1, "must not be empty").max(100),
  description: z.string().max(500).optional(),
  group: id.optional(),
  onlyShowIfDegraded: z.boolean().default(false),
  /** Shown on the page from this date (YYYY-MM-DD); days before it have no uptime bar. */
  startDate: z.iso.date().optional(),
  /**
   * Left out of every public surface (page, feeds, API), yet followed: its
   * status still bounds the components that depend on it and still alerts.
   * For a provider you watch but do not name to customers.
   */
  hidden: z.boolean().default(false),
  /**
   * Components this one needs (your own or a provider's): shown as its chain
   * on its page; the critical ones bound its availability (README
   * "Following providers"). A bare id is a critical dependency.
   */
  dependsOn: z
    .array(
      z.union([
        id.transform((component) => ({ component, critical: true })),
        z.strictObject({ component: id, critical: z.boolean().default(true) }),
      ]),
    )
    .max(50)
    .default([]),
});

/** On-call alerting (README "Alerting"): channels, escalation policies, and routes from alerts to policies. */
const alertingSchema = z.strictObject({
  channels: z.array(channelSchema).default([]),
  policies: z.array(policySchema).default([]),
  routes: z.array(routeSchema).default([]),
});

export const configSchema = z
  .strictObject({
    page: pageSchema,
    groups: z.array(groupSchema).default([]),
    components: z.array(componentSchema).min(1, "declare at least one component"),
    monitors: z.array(monitorSchema).default([]),
    alerting: alertingSchema.default({ channels: [], policies: [], routes: [] }),
    console: consoleSchema.default({ severities: [...DEFAULT_SEVERITIES], templates: [], people: [] }),
  })
  .superRefine((config, ctx) => {
    const groupIds = new Set<string>();
    config.groups.forEach((group, i) => {
      if (groupIds.has(group.id)) {
        ctx.addIssue({ code: "custom", path: ["groups", i, "id"], message: `duplicate group id "${group.id}"` });
      }
      groupIds.add(group.id);
    });
    const componentIds = new Set<string>();
    config.components.forEach((component, i) => {
      if (componentIds.has(component.id) || groupIds.has(component.id)) {
        ctx.addIssue({
          code: "custom",
          path: ["components", i, "id"],
          message: `duplicate id "${component.id}" (groups and components share one id space)`,
        });
      }
      componentIds.add(component.id);
      if (component.group !== undefined && !groupIds.has(component.group)) {
        ctx.addIssue({
          code: "custom",
          path: ["components", i, "group"],
          message: `unknown group "${component.group}" (declared: ${[...groupIds].join(", ") || "none"})`,
        });
      }
    });
    const monitorIds = new Set<string>();
    config.monitors.forEach((monitor, i) => {
      if (monitorIds.has(monitor.id)) {
        ctx.addIssue({ code: "custom", path: ["monitors", i, "id"], message: `duplicate monitor id "${monitor.id}"` });
      }
      monitorIds.add(monitor.id);
      const regionCount = Math.max(1, monitor.regions.length);
      if (monitor.quorum !== undefined && monitor.quorum > regionCount) {
        ctx.addIssue({
          code: "custom",
          path: ["monitors", i, "quorum"],
          message: `must be at most the number of regions (${regionCount})`,
        });
      }
      if (monitor.role === "service" && monitor.components.length === 0) {
        ctx.addIssue({
          code: "custom",
          path: ["monitors", i, "components"],
          message: "must drive at least one component",
        });
      }
      if (monitor.role === "canary" && monitor.components.length > 0) {
        ctx.addIssue({
          code: "custom",
          path: ["monitors", i, "components"],
          message: "a canary checks Lookout itself and drives no component",
        });
      }
      if (monitor.kind === "http") {
        const noBody = monitor.method === "GET" || monitor.method === "HEAD";
        if (noBody && monitor.body !== undefined) {
          ctx.addIssue({
            code: "custom",
            path: ["monitors", i, "body"],
            message: `a ${monitor.method} request has no body`,
          });
        }
        if (monitor.method === "HEAD" && (monitor.keyword || monitor.keywordAbsent || monitor.json)) {
          ctx.addIssue({
            code: "custom",
            path: ["monitors", i, "method"],
            message: "HEAD returns no body, so keyword and JSON checks cannot pass: use GET",
          });
        }
      }
      // A check that waits its whole timeout must end well before the next is due (decision 0037).
      if (monitor.kind !== "heartbeat" && monitor.timeoutMs > longestTimeoutMs(monitor.intervalSeconds)) {
        ctx.addIssue({
          code: "custom",
          path: ["monitors", i, "timeoutMs"],
          message: `must be at most half the interval (${longestTimeoutMs(monitor.intervalSeconds)} ms at intervalSeconds ${monitor.intervalSeconds})`,
        });
      }
      if (new Set(monitor.regions).size !== monitor.regions.length) {
        ctx.addIssue({ code: "custom", path: ["monitors", i, "regions"], message: "lists a region twice" });
      }
      monitor.components.forEach((componentId, j) => {
        if (!componentIds.has(componentId)) {
          ctx.addIssue({
            code: "custom",
            path: ["monitors", i, "components", j],
            message: `unknown component "${componentId}"`,
          });
        }
      });
    });
    checkProviders(config, ctx);
    checkDependencies(config, componentIds, ctx);
    checkAlerting(config, componentIds, monitorIds, ctx);
    checkConsole(config, componentIds, ctx);
    config.groups.forEach((group, i) => {
      if (!config.components.some((c) => c.group === group.id)) {
        ctx.addIssue({ code: "custom", path: ["groups", i], message: `group "${group.id}" has no components` });
      }
    });
  });

/**
 * A component a statuspage monitor drives mirrors its provider: another
 * monitor driving it too would make its status a blend nobody stated. A
 * provider's page is the same from everywhere, so it is read from one place.
 */
function checkProviders(config: z.output<typeof configSchema>, ctx: z.RefinementCtx): void {
  const mirrored = new Set<string>();
  config.monitors.forEach((monitor, i) => {
    if (monitor.kind !== "statuspage") return;
    monitor.components.forEach((componentId, j) => {
      // One provider per mirror: the page credits the status to one provider's page, and a blend would be nobody's word.
      if (mirrored.has(componentId)) {
        ctx.addIssue({
          code: "custom",
          path: ["monitors", i, "components", j],
          message: `"${componentId}" already mirrors another statuspage monitor's provider: give each provider its own component`,
        });
      }
      mirrored.add(componentId);
    });
  });
  const hidden = new Set(config.components.filter((c) => c.hidden).map((c) => c.id));
  config.monitors.forEach((monitor, i) => {
    if (monitor.kind === "statuspage") {
      if (monitor.regions.length > 1) {
        ctx.addIssue({
          code: "custom",
          path: ["monitors", i, "regions"],
          message: "a provider's status page reads the same from everywhere: name at most one region",
        });
      }
      // A public incident's title names the provider; one you hide entirely would be given away (decision 0043).
      if (
        monitor.incident === "public" &&
        monitor.components.length > 0 &&
        monitor.components.every((id) => hidden.has(id))
      ) {
        ctx.addIssue({
          code: "custom",
          path: ["monitors", i, "incident"],
          message: `"public" would name to readers the provider of hidden components only (${monitor.components.join(", ")}): show one of them, or choose "internal"`,
        });
      }
      return;
    }
    monitor.components.forEach((componentId, j) => {
      if (!mirrored.has(componentId)) return;
      ctx.addIssue({
        code: "custom",
        path: ["monitors", i, "components", j],
        message: `"${componentId}" mirrors a provider's status page (a statuspage monitor drives it): no other monitor may drive it`,
      });
    });
  });
}

/** Dependencies name declared components, never the component itself, and never loop. */
function checkDependencies(
  config: z.output<typeof configSchema>,
  componentIds: ReadonlySet<string>,
  ctx: z.RefinementCtx,
): void {
  config.components.forEach((component, i) => {
    const seen = new Set<string>();
    component.dependsOn.forEach((dependency, j) => {
      const path = ["components", i, "dependsOn", j];
      if (!componentIds.has(dependency.component)) {
        ctx.addIssue({ code: "custom", path, message: `unknown component "${dependency.component}"` });
      } else if (dependency.component === component.id) {
        ctx.addIssue({ code: "custom", path, message: "a component cannot depend on itself" });
      } else if (seen.has(dependency.component)) {
        ctx.addIssue({ code: "custom", path, message: `lists "${dependency.component}" twice` });
      }
      seen.add(dependency.component);
    });
  });
  const cycle = dependencyCycle(
    new Map(config.components.map((c) => [c.id, c.dependsOn.map((d) => d.component)] as const)),
  );
  if (cycle && cycle.length > 2) {
    const at = config.components.findIndex((c) => c.id === cycle[0]);
    ctx.addIssue({
      code: "custom",
      path: ["components", at, "dependsOn"],
      message: `dependencies must not loop: ${cycle.join(" → ")}`,
    });
  }
}

/** Every id an alerting section names exists, once. */
function checkAlerting(
  config: { alerting: z.output<typeof alertingSchema> },
  componentIds: ReadonlySet<string>,
  monitorIds: ReadonlySet<string>,
  ctx: z.RefinementCtx,
): void {
  const { channels, policies, routes } = config.alerting;
  const unique = (ids: string[], path: string, what: string) => {
    const seen = new Set<string>();
    ids.forEach((value, i) => {
      if (seen.has(value))
        ctx.addIssue({ code: "custom", path: ["alerting", path, i, "id"], message: `duplicate ${what} id "${value}"` });
      seen.add(value);
    });
    return seen;
  };
  const channelIds = unique(
    channels.map((c) => c.id),
    "channels",
    "channel",
  );
  const policyIds = unique(
    policies.map((p) => p.id),
    "policies",
    "policy",
  );
  policies.forEach((policy, i) => {
    policy.steps.forEach((step, j) => {
      step.channels.forEach((channel, k) => {
        if (!channelIds.has(channel)) {
          ctx.addIssue({
            code: "custom",
            path: ["alerting", "policies", i, "steps", j, "channels", k],
            message: `unknown channel "${channel}" (declared: ${[...channelIds].join(", ") || "none"})`,
          });
        }
      });
      const previous = policy.steps[j - 1];
      if (previous && step.afterMinutes < previous.afterMinutes) {
        ctx.addIssue({
          code: "custom",
          path: ["alerting", "policies", i, "steps", j, "afterMinutes"],
          message: "steps must come in order: at least the previous step's afterMinutes",
        });
      }
    });
  });
  routes.forEach((route, i) => {
    if (!policyIds.has(route.policy)) {
      ctx.addIssue({
        code: "custom",
        path: ["alerting", "routes", i, "policy"],
        message: `unknown policy "${route.policy}" (declared: ${[...policyIds].join(", ") || "none"})`,
      });
    }
    route.monitors?.forEach((monitor, j) => {
      if (!monitorIds.has(monitor)) {
        ctx.addIssue({
          code: "custom",
          path: ["alerting", "routes", i, "monitors", j],
          message: `unknown monitor "${monitor}"`,
        });
      }
    });
    route.components?.forEach((component, j) => {
      if (!componentIds.has(component)) {
        ctx.addIssue({
          code: "custom",
          path: ["alerting", "routes", i, "components", j],
          message: `unknown component "${component}"`,
        });
      }
    });
  });
}

export type LookoutConfigInput = z.input<typeof configSchema>;
export type LookoutConfig = z.output<typeof configSchema>;

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}
