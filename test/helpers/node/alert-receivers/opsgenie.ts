/**
 * Opsgenie Alert API (docs/reference/alerting-providers.md), authorised by
 * `Authorization: GenieKey <key>`: create with POST /v2/alerts {message ≤ 130
 * (required), alias ≤ 512, description ≤ 15,000, tags ≤ 20 of ≤ 50, details
 * (strings, ≤ 8,000 characters in all), entity ≤ 512, source ≤ 100, priority
 * P1–P5, …}; close with POST /v2/alerts/{identifier}/close?identifierType=alias
 * {user, source, note}; both 202 {result, took, requestId} (processed
 * asynchronously); a bad request 422 {message, errors, took, requestId}; 401
 * for a key it does not know; 429 when throttled.
 */
import { z } from "zod";
import { type IncomingAlert, issues, jsonBody, type ProviderContract } from "./contract.ts";

export const createAlert = z.strictObject({
  message: z.string().trim().min(1, "Message can not be empty.").max(130),
  alias: z.string().max(512).optional(),
  description: z.string().max(15_000).optional(),
  responders: z.array(z.record(z.string(), z.string())).optional(),
  visibleTo: z.array(z.record(z.string(), z.string())).optional(),
  actions: z.array(z.string().max(50)).max(10).optional(),
  tags: z.array(z.string().min(1).max(50)).max(20).optional(),
  details: z
    .record(z.string(), z.string())
    .refine(
      (d) => Object.entries(d).reduce((n, [k, v]) => n + k.length + v.length, 0) <= 8000,
      "details: 8000 characters at most",
    )
    .optional(),
  entity: z.string().max(512).optional(),
  source: z.string().max(100).optional(),
  priority: z.enum(["P1", "P2", "P3", "P4", "P5"]).optional(),
  user: z.string().max(100).optional(),
  note: z.string().max(25_000).optional(),
});

export const closeAlert = z.strictObject({
  user: z.string().max(100).optional(),
  source: z.string().max(100).optional(),
  note: z.string().max(25_000).optional(),
});

export const opsgenieContract: ProviderContract = {
  provider: "opsgenie",
  check(request: IncomingAlert) {
    const violations: string[] = [];
    if (
      !/^GenieKey [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(
        request.headers.authorization ?? "",
      )
    ) {
      violations.push("Authorization must be GenieKey <integration API key>");
    }
    const close = /^\/v2\/alerts\/([^/]+)\/close$/.exec(request.path);
    if (request.method !== "POST" || (request.path !== "/v2/alerts" && !close)) {
      return [
        ...violations,
        `expected POST /v2/alerts or /v2/alerts/{id}/close, was ${request.method} ${request.path}`,
      ];
    }
    if (close && !["id", "alias", "tiny"].includes(request.query.identifierType ?? "id")) {
      violations.push("identifierType must be id, alias or tiny");
    }
    if (close && request.body === "") return violations;
    const body = jsonBody(request);
    if ("violations" in body) return [...violations, ...body.violations];
    const parsed = (close ? closeAlert : createAlert).safeParse(body.json);
    return parsed.success ? violations : [...violations, ...issues(parsed.error)];
  },
  ok: () => json(202, { result: "Request will be processed", took: 0.012, requestId: crypto.randomUUID() }),
  invalid: (violations) =>
    json(422, {
      message: "Request body is not processable. Please check the errors.",
      errors: Object.fromEntries(violations.map((v) => [v.split(":")[0], v])),
      took: 0.001,
      requestId: crypto.randomUUID(),
    }),
  tooMany: () =>
    json(429, {
      message: "You are making too many requests! To avoid errors, we recommend you limit requests.",
      took: 0.001,
      requestId: crypto.randomUUID(),
    }),
};

function json(status: number, body: unknown) {
  return { status, headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
}
