import type { z } from "zod";
import type { Scope } from "../access/scopes.ts";
import {
  auditListQuery,
  emptyQuery,
  exportDocument,
  flagPut,
  holdLiftQuery,
  incidentCreate,
  incidentEdit,
  incidentListQuery,
  incidentUpdateCreate,
  maintenanceCancel,
  maintenanceCreate,
  maintenanceEdit,
  maintenanceListQuery,
  maintenanceUpdateCreate,
  reportPublish,
  reportPut,
  tokenCreate,
  webhookCreate,
  webhookEdit,
  webhookRotate,
} from "./schemas.ts";

export interface OperationSpec {
  method: "get" | "post" | "put" | "patch" | "delete";
  /** Under /api/v1, Hono style (`:id`). */
  path: string;
  scope: Scope;
  summary: string;
  description?: string;
  body?: z.ZodType;
  query: z.ZodType;
  /** Edits that replace what a colleague may have changed must name the revision they start from. */
  ifMatch?: "required" | "optional";
  /** Bytes; the default suits every body but an import. */
  bodyLimit?: number;
  success: 200 | 201;
}

export const DEFAULT_BODY_LIMIT = 1_000_000;

/**
 * Every operation of the communicator API, in one table the router, the
 * StatusPage's dispatcher and the OpenAPI document all read.
 */
export const OPERATIONS = {
  "incidents.create": {
    method: "post",
    path: "/incidents",
    scope: "incidents",
    summary: "Declare an incident",
    body: incidentCreate,
    query: emptyQuery,
    success: 201,
  },
  "incidents.list": {
    method: "get",
    path: "/incidents",
    scope: "incidents",
    summary: "List incidents, newest first (internal ones included)",
    query: incidentListQuery,
    success: 200,
  },
  "incidents.get": {
    method: "get",
    path: "/incidents/:id",
    scope: "incidents",
    summary: "Read an incident with its updates and report; the ETag is its revision",
    query: emptyQuery,
    success: 200,
  },
  "incidents.edit": {
    method: "patch",
    path: "/incidents/:id",
    scope: "incidents",
    summary: "Edit an incident's name, impact, visibility, start or roles",
    body: incidentEdit,
    query: emptyQuery,
    ifMatch: "required",
    success: 200,
  },
  "incidents.updates.create": {
    method: "post",
    path: "/incidents/:id/updates",
    scope: "incidents",
    summary: "Post an update: message, status change, component statuses",
    description: "Resolving without naming components hands each affected one back to its monitors, or operational.",
    body: incidentUpdateCreate,
    query: emptyQuery,
    ifMatch: "optional",
    success: 201,
  },
  "reports.get": {
    method: "get",
    path: "/incidents/:id/report",
    scope: "reports",
    summary: "The saved report (or null) and a fresh draft from the record",
    query: emptyQuery,
    success: 200,
  },
  "reports.put": {
    method: "put",
    path: "/incidents/:id/report",
    scope: "reports",
    summary: "Save the report's four parts and its follow-up actions",
    body: reportPut,
    query: emptyQuery,
    ifMatch: "required",
    success: 200,
  },
  "reports.publish": {
    method: "post",
    path: "/incidents/:id/report/publish",
    scope: "reports",
    summary: "Publish the saved report: shown on the incident page; the incident moves to postmortem",
    body: reportPublish,
    query: emptyQuery,
    ifMatch: "optional",
    success: 200,
  },
  "maintenances.create": {
    method: "post",
    path: "/maintenances",
    scope: "maintenances",
    summary: "Schedule a maintenance window",
    body: maintenanceCreate,
    query: emptyQuery,
    success: 201,
  },
  "maintenances.list": {
    method: "get",
    path: "/maintenances",
    scope: "maintenances",
    summary: "List maintenances, latest window first",
    query: maintenanceListQuery,
    success: 200,
  },
  "maintenances.get": {
    method: "get",
    path: "/maintenances/:id",
    scope: "maintenances",
    summary: "Read a maintenance; the ETag is its revision",
    query: emptyQuery,
    success: 200,
  },
  "maintenances.edit": {
    method: "patch",
    path: "/maintenances/:id",
    scope: "maintenances",
    summary: "Rename, move, extend or change the components of a maintenance",
    body: maintenanceEdit,
    query: emptyQuery,
    ifMatch: "required",
    success: 200,
  },
  "maintenances.updates.create": {
    method: "post",
    path: "/maintenances/:id/updates",
    scope: "maintenances",
    summary: "Post an update to a maintenance, optionally moving its status",
    body: maintenanceUpdateCreate,
    query: emptyQuery,
    ifMatch: "optional",
    success: 201,
  },
  "maintenances.cancel": {
    method: "post",
    path: "/maintenances/:id/cancel",
    scope: "maintenances",
    summary: "Call off a maintenance (or end one in progress early)",
    body: maintenanceCancel,
    query: emptyQuery,
    ifMatch: "optional",
    success: 200,
  },
  "tokens.create": {
    method: "post",
    path: "/tokens",
    scope: "tokens",
    summary: "Create a token; its secret is shown once",
    body: tokenCreate,
    query: emptyQuery,
    success: 201,
  },
  "tokens.list": {
    method: "get",
    path: "/tokens",
    scope: "tokens",
    summary: "List tokens (never their secrets) with when each was last used",
    query: emptyQuery,
    success: 200,
  },
  "tokens.revoke": {
    method: "delete",
    path: "/tokens/:id",
    scope: "tokens",
    summary: "Revoke a token at once",
    query: emptyQuery,
    success: 200,
  },
  "flags.list": {
    method: "get",
    path: "/flags",
    scope: "flags",
    summary: "Every ops flag: meaning, value, default, override and expiry",
    query: emptyQuery,
    success: 200,
  },
  "flags.get": {
    method: "get",
    path: "/flags/:name",
    scope: "flags",
    summary: "One ops flag",
    query: emptyQuery,
    success: 200,
  },
  "flags.set": {
    method: "put",
    path: "/flags/:name",
    scope: "flags",
    summary: "Override a flag at run time (null returns it to its default); effective within seconds",
    body: flagPut,
    query: emptyQuery,
    success: 200,
  },
  "audit.list": {
    method: "get",
    path: "/audit",
    scope: "audit",
    summary: "The audit log, newest first: who, what, when, before and after",
    query: auditListQuery,
    success: 200,
  },
  "monitors.list": {
    method: "get",
    path: "/monitors",
    scope: "monitors",
    summary: "Every monitor: its components, its state per region, and a heartbeat monitor's check-in path",
    query: emptyQuery,
    success: 200,
  },
  "webhooks.list": {
    method: "get",
    path: "/webhooks",
    scope: "subscribers",
    summary: "Webhook endpoints and how their deliveries have gone",
    query: emptyQuery,
    success: 200,
  },
  "webhooks.create": {
    method: "post",
    path: "/webhooks",
    scope: "subscribers",
    summary: "Register a webhook endpoint; the answer carries its whsec_ signing secret",
    body: webhookCreate,
    query: emptyQuery,
    success: 201,
  },
  "webhooks.get": {
    method: "get",
    path: "/webhooks/:id",
    scope: "subscribers",
    summary: "One webhook endpoint: enabled or why not, last success and failure, deliveries waiting",
    query: emptyQuery,
    success: 200,
  },
  "webhooks.edit": {
    method: "patch",
    path: "/webhooks/:id",
    scope: "subscribers",
    summary: "Change an endpoint's URL, components or description; disable or enable it",
    body: webhookEdit,
    query: emptyQuery,
    success: 200,
  },
  "webhooks.delete": {
    method: "delete",
    path: "/webhooks/:id",
    scope: "subscribers",
    summary: "Delete an endpoint; deliveries waiting for it are dropped",
    query: emptyQuery,
    success: 200,
  },
  "webhooks.secret": {
    method: "get",
    path: "/webhooks/:id/secret",
    scope: "subscribers",
    summary: "The endpoint's signing secret (and the previous one while a rotation overlaps)",
    query: emptyQuery,
    success: 200,
  },
  "webhooks.rotate": {
    method: "post",
    path: "/webhooks/:id/rotate-secret",
    scope: "subscribers",
    summary: "A new signing secret; the previous one keeps signing alongside it for overlapSeconds",
    body: webhookRotate,
    query: emptyQuery,
    success: 200,
  },
  "webhooks.test": {
    method: "post",
    path: "/webhooks/:id/test",
    scope: "subscribers",
    summary: "Queue a signed test delivery (meta.event_type webhook.test) to the endpoint",
    query: emptyQuery,
    success: 200,
  },
  "holds.list": {
    method: "get",
    path: "/holds",
    scope: "subscribers",
    summary: "Mail domains and webhook endpoints whose deliveries are held back, and how much waits for each",
    query: emptyQuery,
    success: 200,
  },
  "holds.hold": {
    method: "put",
    path: "/holds/domains/:domain",
    scope: "subscribers",
    summary: "Hold back mail to one domain (a noisy or failing receiver) while the rest flows; effective at once",
    query: emptyQuery,
    success: 200,
  },
  "holds.lift": {
    method: "delete",
    path: "/holds/domains/:domain",
    scope: "subscribers",
    summary: "Lift a hold: what waited is sent now (?pending=send) or dropped on purpose (?pending=drop)",
    query: holdLiftQuery,
    success: 200,
  },
  "holds.holdWebhook": {
    method: "put",
    path: "/holds/webhooks/:id",
    scope: "subscribers",
    summary: "Hold back deliveries to one webhook endpoint while the rest flows; effective at once",
    query: emptyQuery,
    success: 200,
  },
  "holds.liftWebhook": {
    method: "delete",
    path: "/holds/webhooks/:id",
    scope: "subscribers",
    summary: "Lift a webhook hold: what waited is sent now (?pending=send) or dropped on purpose (?pending=drop)",
    query: holdLiftQuery,
    success: 200,
  },
  "backup.export": {
    method: "get",
    path: "/export",
    scope: "backup",
    summary: "The page's whole state as one versioned JSON document",
    query: emptyQuery,
    success: 200,
  },
  "backup.import": {
    method: "post",
    path: "/import",
    scope: "backup",
    summary: "Restore an export into an empty page",
    body: exportDocument,
    query: emptyQuery,
    // The document is read, parsed and validated at the edge, then travels in one call into
    // the object: its text, its parsed form and the call's copy must fit an isolate's 128 MB.
    bodyLimit: 16_000_000,
    success: 200,
  },
} as const satisfies Record<string, OperationSpec>;

export type OperationId = keyof typeof OPERATIONS;
type Spec<Id extends OperationId> = (typeof OPERATIONS)[Id];

export type BodyOf<Id extends OperationId> =
  Spec<Id> extends { body: z.ZodType } ? z.output<Spec<Id>["body"]> : undefined;
export type QueryOf<Id extends OperationId> = z.output<Spec<Id>["query"]>;
