import { z } from "zod";

/**
 * A provider's `/api/v2/summary.json` as Statuspage-shaped pages serve it
 * (Atlassian Statuspage, incident.io, Instatus, Lookout itself): only what
 * Lookout reads, every other field ignored, so a provider adding fields
 * breaks nothing. A status Lookout does not know stays a string and counts as
 * unknown (provider-status.ts), never as an outage.
 */
const component = z.object({
  id: z.string(),
  name: z.string(),
  status: z.string(),
  group: z.boolean().optional().default(false),
  group_id: z.string().nullable().optional().default(null),
});

const update = z.object({ body: z.string(), status: z.string(), created_at: z.string() });

const incident = z.object({
  id: z.string(),
  name: z.string(),
  status: z.string(),
  impact: z.string().optional().default("none"),
  shortlink: z.string().optional(),
  incident_updates: z.array(update).optional().default([]),
  components: z
    .array(z.object({ id: z.string() }))
    .optional()
    .default([]),
});

export const providerSummarySchema = z.object({
  page: z.object({ id: z.string(), name: z.string(), url: z.string() }),
  status: z.object({ indicator: z.string(), description: z.string() }),
  components: z.array(component).default([]),
  incidents: z.array(incident).default([]),
});

export type ProviderSummary = z.infer<typeof providerSummarySchema>;

/** The summary, or why the bytes are not one (HTML, another JSON, a truncated body). */
export function parseProviderSummary(
  text: string,
): { ok: true; summary: ProviderSummary } | { ok: false; problem: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, problem: "not JSON" };
  }
  const parsed = providerSummarySchema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    return { ok: false, problem: `not a Statuspage summary (${first?.path.join(".") || "body"}: ${first?.message})` };
  }
  return { ok: true, summary: parsed.data };
}

/**
 * Where a provider's summary is: `/api/v2/summary.json` under its page's
 * URL, or the URL itself when it already names a JSON document.
 */
export function summaryUrl(pageUrl: string): string {
  const url = new URL(pageUrl);
  if (url.pathname.endsWith(".json")) return url.toString();
  url.pathname = `${url.pathname.replace(/\/+$/, "")}/api/v2/summary.json`;
  return url.toString();
}
