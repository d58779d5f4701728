/**
 * PagerDuty Events API v2 (docs/reference/alerting-providers.md): POST
 * /v2/enqueue JSON; 202 {status: "success", message, dedup_key}; 400
 * {status: "invalid event", message, errors}; 429 when throttled (no body
 * contract, no Retry-After). A trigger needs a payload (summary ≤ 1,024,
 * source, severity); acknowledge and resolve need a dedup_key.
 */
import { z } from "zod";
import { type IncomingAlert, issues, jsonBody, type ProviderContract } from "./contract.ts";

const payload = z.strictObject({
  summary: z.string().min(1).max(1024),
  source: z.string().min(1).max(255),
  severity: z.enum(["critical", "error", "warning", "info"]),
  timestamp: z.iso.datetime({ offset: true }).optional(),
  component: z.string().max(255).optional(),
  group: z.string().max(255).optional(),
  class: z.string().max(255).optional(),
  custom_details: z.record(z.string(), z.unknown()).optional(),
});

const common = {
  routing_key: z.string().length(32, "routing_key must be a 32-character integration key"),
  dedup_key: z.string().min(1).max(255).optional(),
  client: z.string().optional(),
  client_url: z.url().optional(),
  links: z.array(z.strictObject({ href: z.url(), text: z.string().optional() })).optional(),
  images: z.array(z.strictObject({ src: z.url(), href: z.url().optional(), alt: z.string().optional() })).optional(),
};

export const pagerdutyEvent = z.discriminatedUnion("event_action", [
  z.strictObject({ ...common, event_action: z.literal("trigger"), payload }),
  z.strictObject({
    ...common,
    event_action: z.enum(["acknowledge", "resolve"]),
    dedup_key: z.string().min(1).max(255),
    payload: payload.optional(),
  }),
]);

export const pagerdutyContract: ProviderContract = {
  provider: "pagerduty",
  check(request: IncomingAlert) {
    if (request.method !== "POST" || request.path !== "/v2/enqueue") {
      return [`expected POST /v2/enqueue, was ${request.method} ${request.path}`];
    }
    const body = jsonBody(request);
    if ("violations" in body) return body.violations;
    const parsed = pagerdutyEvent.safeParse(body.json);
    return parsed.success ? [] : issues(parsed.error);
  },
  ok(request) {
    const event = JSON.parse(request.body) as { dedup_key?: string };
    return json(202, {
      status: "success",
      message: "Event processed",
      dedup_key: event.dedup_key ?? crypto.randomUUID().replace(/-/g, ""),
    });
  },
  invalid: (violations) =>
    json(400, { status: "invalid event", message: "Event object is invalid", errors: violations }),
  tooMany: () =>
    json(429, {
      status: "throttle event",
      message: "Requests for this service are arriving too quickly.  Please retry later.",
    }),
};

function json(status: number, body: unknown) {
  return { status, headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
}
