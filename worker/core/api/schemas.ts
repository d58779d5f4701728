import { z } from "zod";
import { ROLE_NAMES, type Role } from "../access/roles.ts";
import { SCOPES } from "../access/scopes.ts";
import { FLAGS, type FlagName } from "../flags.ts";
import { id as configId } from "../monitors/monitor-config.ts";
import { COMPONENT_STATUSES, IMPACTS, INCIDENT_STATUSES, MAINTENANCE_STATUSES } from "../statuses.ts";

/**
 * The communicator API's request bodies and queries. The same schemas
 * validate requests at the edge and generate the OpenAPI document, so the
 * document cannot drift from what the code accepts. Every text has a limit.
 */

const text = (max: number, what: string) => z.string().trim().min(1, `${what} must not be empty`).max(max);
const name = text(255, "the name").meta({
  description: "Shown as the headline on the page.",
  example: "Elevated API errors",
});
const message = text(10_000, "the message").meta({
  description: "What readers should know now. Plain text; line breaks are kept.",
  example: "We are investigating elevated error rates on the API.",
});
const person = z.string().trim().min(1).max(100).nullable();
const instant = z.iso.datetime({ offset: true }).meta({ description: "ISO 8601 with a time zone." });
/** Component ids are the config's ids, so they follow the config's rule. */
const componentId = configId;
const notify = z.boolean().meta({ description: "Tell subscribers about this change (default true)." });

const componentChanges = z
  .record(componentId, z.enum(COMPONENT_STATUSES))
  .refine((changes) => Object.keys(changes).length <= 100, "at most 100 components")
  .meta({
    description: "Affected components and the status each has now.",
    example: { api: "major_outage" },
  });

const OPEN_OR_RESOLVED = ["investigating", "identified", "monitoring", "resolved"] as const;

const severity = configId.meta({
  description:
    "A severity's id from the config (console.severities); sets impact from its mapping. Sent with an impact, the two must agree.",
  example: "critical",
});
const impact = z.enum(IMPACTS).meta({ description: "Statuspage's impact (default minor, or the severity's)." });

export const incidentCreate = z.strictObject({
  name,
  message,
  status: z.enum(OPEN_OR_RESOLVED).default("investigating"),
  impact: impact.optional(),
  severity: severity.optional(),
  components: componentChanges.optional(),
  visibility: z
    .enum(["public", "internal"])
    .default("public")
    .meta({ description: "Internal incidents never appear on the page, the feeds or the public JSON." }),
  startedAt: instant.optional().meta({ description: "When impact began, if before the declaration." }),
  lead: person.optional(),
  communicator: person.optional(),
  scribe: person.optional(),
  investigator: person.optional(),
  notify: notify.default(true),
});

export const incidentUpdateCreate = z.strictObject({
  status: z.enum(INCIDENT_STATUSES),
  message,
  components: componentChanges.optional(),
  notify: notify.default(true),
});

/** A line of the internal timeline: the scribe's running notes, never shown to readers. */
export const incidentNoteCreate = z.strictObject({
  message: text(10_000, "the note").meta({
    description:
      "What happened, was tried or was decided. Internal: never on the page, feeds, JSON, mails or webhooks.",
    example: "Rolled back deploy 4121; error rate falling.",
  }),
});

const atLeastOneField = (value: object) => Object.keys(value).length > 0;

export const incidentEdit = z
  .strictObject({
    name: name.optional(),
    impact: impact.optional(),
    severity: severity.optional(),
    visibility: z.enum(["public", "internal"]).optional(),
    startedAt: instant.optional(),
    lead: person.optional(),
    communicator: person.optional(),
    scribe: person.optional(),
    investigator: person.optional(),
  })
  .refine(atLeastOneField, "send at least one field to change");

const componentList = z.array(componentId).min(1).max(100);

export const maintenanceCreate = z
  .strictObject({
    name,
    message,
    scheduledFor: instant,
    scheduledUntil: instant,
    components: componentList,
    visibility: z.enum(["public", "internal"]).default("public"),
    notify: notify.default(true),
  })
  .refine((m) => Date.parse(m.scheduledUntil) > Date.parse(m.scheduledFor), {
    message: "must be after scheduledFor",
    path: ["scheduledUntil"],
  });

export const maintenanceUpdateCreate = z.strictObject({
  status: z.enum(MAINTENANCE_STATUSES),
  message,
  notify: notify.default(true),
});

export const maintenanceEdit = z
  .strictObject({
    name: name.optional(),
    scheduledFor: instant.optional(),
    scheduledUntil: instant.optional().meta({ description: "Move the end to extend (or shorten) the window." }),
    components: componentList.optional(),
  })
  .refine(atLeastOneField, "send at least one field to change");

export const maintenanceCancel = z.strictObject({
  message: message.optional(),
  notify: notify.default(true),
});

const section = (what: string) =>
  z
    .string()
    .max(50_000)
    .meta({ description: `${what} (markdown, no raw HTML).` });

export const reportPut = z.strictObject({
  summary: section("Summary"),
  whoWasAffected: section("Who was affected"),
  whatHappened: section("What happened"),
  prevention: section("What we are doing to make sure it does not happen again"),
  followUps: z
    .array(
      z.strictObject({
        title: text(255, "the title"),
        owner: person.optional(),
        url: z
          .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
          .max(2048)
          .nullable()
          .optional()
          .meta({ description: "Where the work is tracked." }),
        done: z.boolean().default(false),
      }),
    )
    .max(50)
    .default([]),
});

export const reportPublish = z.strictObject({ notify: notify.default(true) });

export const tokenCreate = z.strictObject({
  name: text(100, "the name"),
  scopes: z
    .array(z.enum(SCOPES))
    .min(1)
    .max(SCOPES.length)
    .refine((scopes) => new Set(scopes).size === scopes.length, "each scope once"),
});

/** A person's console role, for Cloudflare Access sign-in (worker/core/access/roles.ts). */
export const personPut = z.strictObject({
  role: z.enum(ROLE_NAMES as [Role, ...Role[]]).meta({ description: "viewer, communicator, operator or admin." }),
});

export const flagPut = z.strictObject({
  value: z.boolean().nullable().meta({ description: "true or false overrides; null returns to the default." }),
  reason: z
    .string()
    .trim()
    .min(1, "the reason must not be empty")
    .max(500)
    .optional()
    .meta({ description: "Why, kept in the audit line (the console requires one).", example: "Probe target down" }),
});

const pageSize = z.coerce.number().int().min(1).max(100).default(25);
const cursor = z
  .string()
  .regex(/^[0-9]{1,16}\.[a-z0-9]{1,40}$/, "not a cursor from a previous page")
  .optional();

export const incidentListQuery = z.strictObject({
  status: z.enum(["open", ...INCIDENT_STATUSES]).optional(),
  visibility: z.enum(["public", "internal"]).optional(),
  limit: pageSize,
  cursor,
});

export const maintenanceListQuery = z.strictObject({
  status: z.enum(MAINTENANCE_STATUSES).optional(),
  order: z.enum(["desc", "asc"]).default("desc").meta({
    description:
      "By scheduledFor: desc (default), latest window first; asc, soonest first (with status=scheduled: what comes next).",
  }),
  limit: pageSize,
  cursor,
});

export const alertListQuery = z.strictObject({
  status: z
    .enum(["active", "open", "acknowledged", "resolved", "all"])
    .default("active")
    .meta({ description: "active (default): open and acknowledged; or one status; or all." }),
  limit: pageSize,
  cursor,
});

export const auditListQuery = z
  .strictObject({
    limit: z.coerce.number().int().min(1).max(200).default(50),
    before: z.coerce.number().int().min(1).optional().meta({ description: "Entries older than this sequence number." }),
    actor: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .optional()
      .meta({ description: "A token id (or bootstrap, lookout), or part of the actor's name, any case." }),
    action: z
      .string()
      .regex(/^[a-z_]{1,40}(\.[a-z_]{1,40}){0,3}$/, "an action such as flag.set, or its start such as flag")
      .optional()
      .meta({ description: "An action (token.create), or every action under a prefix (token).", example: "flag" }),
    target: z.string().trim().min(1).max(200).optional().meta({ description: "What was changed: an id or a name." }),
    since: instant.optional().meta({ description: "Entries at or after this instant." }),
    until: instant.optional().meta({ description: "Entries before this instant." }),
  })
  .refine((q) => !q.since || !q.until || Date.parse(q.until) > Date.parse(q.since), {
    message: "must be after since",
    path: ["until"],
  });

export const SUBSCRIBER_STATES = ["pending", "confirmed", "unsubscribed", "bounced"] as const;

export const subscriberListQuery = z.strictObject({
  q: z
    .string()
    .trim()
    .min(3, "at least 3 characters")
    .max(254)
    .optional()
    .meta({ description: "An address, or part of one (any case).", example: "@acme.example" }),
  match: z
    .enum(["contains", "exact"])
    .default("contains")
    .meta({ description: "contains (default): q anywhere in the address; exact: the whole address." }),
  state: z.enum(SUBSCRIBER_STATES).optional(),
  limit: pageSize,
  cursor,
});

export const emptyQuery = z.strictObject({});

export const holdLiftQuery = z.strictObject({
  pending: z
    .enum(["send", "drop"])
    .default("send")
    .meta({ description: "What happens to what the hold kept back: sent now (default), or dropped on purpose." }),
});

const webhookUrl = z
  .string()
  .trim()
  .max(2_000)
  .refine((url) => URL.canParse(url) && /^https?:$/.test(new URL(url).protocol), "must be an absolute http(s) URL")
  .meta({
    description: "Where deliveries are POSTed. https on a public address outside local dev.",
    example: "https://hooks.example.com/lookout",
  });
const webhookComponents = z
  .array(componentId)
  .max(100)
  .nullable()
  .meta({ description: "Components the endpoint follows; null or empty: every component and every incident." });
const webhookDescription = z.string().trim().max(500).nullable();

export const webhookCreate = z.strictObject({
  url: webhookUrl,
  components: webhookComponents.optional(),
  description: webhookDescription.optional(),
});

export const webhookEdit = z
  .strictObject({
    url: webhookUrl.optional(),
    components: webhookComponents.optional(),
    description: webhookDescription.optional(),
    enabled: z
      .boolean()
      .optional()
      .meta({ description: "false pauses deliveries (they wait); true resumes them and clears the failure record." }),
  })
  .refine((edit) => Object.keys(edit).length > 0, "name at least one field to change");

export const webhookRotate = z.strictObject({
  overlapSeconds: z
    .number()
    .int()
    .min(0)
    .max(7 * 86_400)
    .default(86_400)
    .meta({ description: "How long the previous secret keeps signing alongside the new one (default a day)." }),
});

/** A row of the export: values as SQLite holds them. */
const cell = z.union([z.string(), z.number(), z.null()]);

export const exportDocument = z.strictObject({
  format: z.literal("lookout.export"),
  version: z.literal(1),
  exportedAt: instant,
  schemaVersion: z.number().int().min(1),
  /** When the page last changed; a restore keeps it, so "last updated" tells the truth. */
  pageUpdatedAt: instant.optional(),
  tables: z.record(
    z.string().regex(/^[a-z][a-z0-9_]{0,39}$/),
    z.strictObject({
      columns: z.array(z.string().regex(/^[a-z][a-z0-9_]{0,39}$/)).min(1),
      rows: z.array(z.array(cell)),
    }),
  ),
});

export type IncidentCreate = z.infer<typeof incidentCreate>;
export type IncidentUpdateCreate = z.infer<typeof incidentUpdateCreate>;
export type IncidentEdit = z.infer<typeof incidentEdit>;
export type IncidentNoteCreate = z.infer<typeof incidentNoteCreate>;
export type MaintenanceCreate = z.infer<typeof maintenanceCreate>;
export type MaintenanceUpdateCreate = z.infer<typeof maintenanceUpdateCreate>;
export type MaintenanceEdit = z.infer<typeof maintenanceEdit>;
export type MaintenanceCancel = z.infer<typeof maintenanceCancel>;
export type ReportPut = z.infer<typeof reportPut>;
export type TokenCreate = z.infer<typeof tokenCreate>;
export type FlagPut = z.infer<typeof flagPut>;
export type IncidentListQuery = z.infer<typeof incidentListQuery>;
export type MaintenanceListQuery = z.infer<typeof maintenanceListQuery>;
export type AlertListQuery = z.infer<typeof alertListQuery>;
export type AuditListQuery = z.infer<typeof auditListQuery>;
export type SubscriberListQuery = z.infer<typeof subscriberListQuery>;
export type ExportDocument = z.infer<typeof exportDocument>;
export type HoldLiftQuery = z.infer<typeof holdLiftQuery>;

export const flagName = z.enum(Object.keys(FLAGS) as [FlagName, ...FlagName[]]);
