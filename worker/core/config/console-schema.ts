import { z } from "zod";
import { ROLE_NAMES } from "../access/roles.ts";
import { id } from "../monitors/monitor-config.ts";
import { COMPONENT_STATUSES, IMPACTS } from "../statuses.ts";

/**
 * The incident console's part of the config (README "The console"):
 * severities, incident templates, and in production who may sign in
 * through Cloudflare Access with which role. Each part is owned by the
 * console feature named beside it.
 */

/** A human-named severity, mapped to Statuspage's impact so API clients keep working (README "Severities and templates"). */
const severitySchema = z.strictObject({
  id,
  name: z.string().trim().min(1, "must not be empty").max(40),
  impact: z.enum(IMPACTS),
  description: z.string().max(300).optional(),
});

export const DEFAULT_SEVERITIES = [
  { id: "critical", name: "Critical", impact: "critical", description: "The product is down or unusable for most." },
  { id: "major", name: "Major", impact: "major", description: "A main feature is broken or badly degraded." },
  { id: "minor", name: "Minor", impact: "minor", description: "Some people see errors or slowness." },
] as const satisfies z.input<typeof severitySchema>[];

/** A ready-made declaration: what a communicator picks instead of typing at 3 a.m. */
const templateSchema = z.strictObject({
  id,
  name: z.string().trim().min(1, "must not be empty").max(100),
  /** The incident's title. */
  title: z.string().trim().min(1, "must not be empty").max(255),
  message: z.string().trim().min(1, "must not be empty").max(10_000),
  /** A severity's id. */
  severity: id,
  components: z.record(id, z.enum(COMPONENT_STATUSES)).default({}),
  visibility: z.enum(["public", "internal"]).default("public"),
});

/** Cloudflare Access in front of /console (README "Signing in with Cloudflare Access"). */
const accessSchema = z.strictObject({
  /** The team's domain, e.g. https://acme.cloudflareaccess.com; its JWKS is at /cdn-cgi/access/certs. */
  teamDomain: z
    .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
    // Its signing keys are read from here: over plain HTTP anyone on the path could swap them.
    .refine((url) => url.startsWith("https:") || /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?(\/|$)/.test(url), {
      message: "must be an https URL (http only for 127.0.0.1 or localhost, in tests)",
    }),
  /** The Access application's audience (AUD) tag. */
  audience: z.string().trim().min(1, "must not be empty").max(200),
});

const personSchema = z.strictObject({
  email: z.email().max(254),
  role: z.enum(ROLE_NAMES as [string, ...string[]]),
});

export const consoleSchema = z.strictObject({
  severities: z
    .array(severitySchema)
    .min(3, "declare 3 to 5 severities")
    .max(5, "declare 3 to 5 severities")
    .default([...DEFAULT_SEVERITIES]),
  templates: z.array(templateSchema).max(50).default([]),
  access: accessSchema.optional(),
  people: z.array(personSchema).max(500).default([]),
});

export type ConsoleConfig = z.output<typeof consoleSchema>;
export type Severity = z.output<typeof severitySchema>;
export type IncidentTemplate = z.output<typeof templateSchema>;
