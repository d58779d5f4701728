import type { Scope } from "../../../worker/core/access/scopes.ts";
import { ApiProblem, type ApiResult, etagOf } from "../../../worker/core/api/contract.ts";
import type { BodyOf, OperationId, QueryOf } from "../../../worker/core/api/operations.ts";

/** Who is calling: a stored token, or the bootstrap token from the ADMIN_TOKEN secret. */
export interface Actor {
  id: string;
  name: string;
  scopes: readonly Scope[];
}

/** Lookout itself, for writes its monitors, schedule and config make: they are audited like anyone's. */
export const LOOKOUT: Actor = { id: "lookout", name: "Lookout (monitors, schedule, config)", scopes: [] };

/** A line in the audit log for a write Lookout made by itself. */
export function auditLookout(
  sql: SqlStorage,
  now: number,
  action: string,
  target: string | null,
  after: unknown,
  before: unknown = null,
): void {
  recordAudit({ sql, now, actor: LOOKOUT }, action, target, before, after);
}

/**
 * What needs Web Crypto, worked out before the transaction: crypto is
 * asynchronous and transactions are not.
 */
export interface Prepared {
  /** A fresh token and its hash, for tokens.create. */
  minted?: { secret: string; hash: string };
  /** Each heartbeat monitor's check-in token, for monitors.list. */
  heartbeatTokens?: Map<string, string>;
}

export interface ApiContext<Id extends OperationId> {
  sql: SqlStorage;
  env: Env;
  now: number;
  actor: Actor;
  params: Record<string, string>;
  body: BodyOf<Id>;
  query: QueryOf<Id>;
  ifMatch: string | null;
  prepared: Prepared;
}

/** Runs inside the object's transaction; throw ApiProblem to refuse and roll back. */
export type Handler<Id extends OperationId> = (context: ApiContext<Id>) => ApiResult;

/** An incident or maintenance as an answer, its revision as the ETag a later edit must send back. */
export function withRevision(event: { revision: number }, status = 200, body: unknown = event): ApiResult {
  return { status, body, etag: etagOf(event.revision) };
}

/** Refuses a change built on a revision other than the current one. */
export function requireRevision(ifMatch: string | null, current: number): void {
  if (ifMatch === null) return;
  const wanted = ifMatch.split(",").map((tag) => tag.trim());
  if (!wanted.includes(etagOf(current)) && !wanted.includes("*")) {
    throw new ApiProblem(
      412,
      "stale_revision",
      `this was changed since you read it: you sent If-Match ${ifMatch}, the current revision is ${etagOf(current)}; read it again and reapply your change`,
    );
  }
}

/** Every write leaves a line: who, what, when, and the thing before and after. */
export function recordAudit(
  context: Pick<ApiContext<OperationId>, "sql" | "now" | "actor">,
  action: string,
  target: string | null,
  before: unknown,
  after: unknown,
): void {
  context.sql.exec(
    `INSERT INTO audit_log (at, actor, actor_name, action, target, before, after) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    context.now,
    context.actor.id,
    context.actor.name,
    action,
    target,
    ...changedParts(summariseTimeline(before), summariseTimeline(after)).map((v) =>
      v === null ? null : JSON.stringify(v),
    ),
  );
}

/**
 * Before and after, kept to what changed (and the id, to read it by): an
 * edit of one field logs one field, not the whole incident twice. A creation
 * or a deletion keeps the whole thing.
 */
function changedParts(before: unknown, after: unknown): [unknown, unknown] {
  const isRecord = (v: unknown): v is Record<string, unknown> =>
    typeof v === "object" && v !== null && !Array.isArray(v);
  if (!isRecord(before) || !isRecord(after)) return [before ?? null, after ?? null];
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  const was: Record<string, unknown> = {};
  const is: Record<string, unknown> = {};
  for (const key of keys) {
    if (key !== "id" && JSON.stringify(before[key]) === JSON.stringify(after[key])) continue;
    if (key in before) was[key] = before[key];
    if (key in after) is[key] = after[key];
  }
  return [was, is];
}

/**
 * An incident's timeline is append-only and kept whole in the incident; an
 * audit line keeps its length and newest entry (the one a write adds), so the
 * log grows by what changed rather than by the whole history each time.
 */
function summariseTimeline(value: unknown): unknown {
  if (typeof value !== "object" || value === null || !("updates" in value) || !Array.isArray(value.updates)) {
    return value;
  }
  const { updates, ...rest } = value;
  return { ...rest, updateCount: updates.length, latestUpdate: updates[0] ?? null };
}

export function notFound(what: string, id: string): ApiProblem {
  return new ApiProblem(404, "not_found", `there is no ${what} "${id}"`);
}
