import { allows, scopesNeeded } from "../../../worker/core/access/scopes.ts";
import { type ApiCall, ApiProblem, type ApiResult, problem } from "../../../worker/core/api/contract.ts";
import { OPERATIONS, type OperationId } from "../../../worker/core/api/operations.ts";
import { log } from "../../../worker/platform/log.ts";
import { NotFoundError } from "../writes.ts";
import { listAlertChannelsHandler, testAlertChannelHandler } from "./alert-channels.ts";
import { ackAlertHandler, getAlertHandler, listAlertsHandler } from "./alerts.ts";
import { listAuditHandler } from "./audit-log.ts";
import { authenticate, sha256Hex } from "./authenticate.ts";
import { exportHandler, importHandler } from "./backup.ts";
import { listComponentsHandler } from "./components.ts";
import type { Actor, ApiContext, Handler, Prepared } from "./context.ts";
import { getFlagHandler, listFlagsHandler, setFlagHandler } from "./flags.ts";
import {
  holdChannelHandler,
  holdDomainHandler,
  holdWebhookHandler,
  liftChannelHoldHandler,
  liftHoldHandler,
  liftWebhookHoldHandler,
  listHoldsHandler,
} from "./holds.ts";
import { remember, replay } from "./idempotency.ts";
import { addIncidentNoteHandler, listIncidentNotesHandler } from "./incident-notes.ts";
import {
  createIncidentHandler,
  editIncidentHandler,
  getIncidentHandler,
  listIncidentsHandler,
  postIncidentUpdateHandler,
  previewIncidentUpdateHandler,
} from "./incidents.ts";
import {
  cancelMaintenanceHandler,
  createMaintenanceHandler,
  editMaintenanceHandler,
  getMaintenanceHandler,
  listMaintenancesHandler,
  postMaintenanceUpdateHandler,
} from "./maintenances.ts";
import { heartbeatTokensFor, listMonitorsHandler, monitorStatesHandler } from "./monitors.ts";
import { deletePersonHandler, listPeopleHandler, putPersonHandler } from "./people.ts";
import { readersWillSee } from "./readers-see.ts";
import { getReportHandler, publishReportHandler, putReportHandler } from "./reports.ts";
import { listSeveritiesHandler } from "./severities.ts";
import { listSubscribersHandler, removeSubscriberHandler } from "./subscribers.ts";
import { createTokenHandler, listTokensHandler, mintToken, revokeTokenHandler } from "./tokens.ts";
import {
  createWebhookHandler,
  deleteWebhookHandler,
  editWebhookHandler,
  getWebhookHandler,
  listWebhooksHandler,
  rotateWebhookSecretHandler,
  testWebhookHandler,
  webhookSecretHandler,
} from "./webhooks.ts";

const HANDLERS: { [Id in OperationId]: Handler<Id> } = {
  "incidents.create": createIncidentHandler,
  "incidents.list": listIncidentsHandler,
  "incidents.get": getIncidentHandler,
  "incidents.edit": editIncidentHandler,
  "incidents.updates.create": postIncidentUpdateHandler,
  "incidents.updates.preview": previewIncidentUpdateHandler,
  "severities.list": listSeveritiesHandler,
  "incidents.notes.list": listIncidentNotesHandler,
  "incidents.notes.create": addIncidentNoteHandler,
  "reports.get": getReportHandler,
  "reports.put": putReportHandler,
  "reports.publish": publishReportHandler,
  "maintenances.create": createMaintenanceHandler,
  "maintenances.list": listMaintenancesHandler,
  "maintenances.get": getMaintenanceHandler,
  "maintenances.edit": editMaintenanceHandler,
  "maintenances.updates.create": postMaintenanceUpdateHandler,
  "maintenances.cancel": cancelMaintenanceHandler,
  "tokens.create": createTokenHandler,
  "tokens.list": listTokensHandler,
  "tokens.revoke": revokeTokenHandler,
  "people.list": listPeopleHandler,
  "people.put": putPersonHandler,
  "people.delete": deletePersonHandler,
  "flags.list": listFlagsHandler,
  "flags.get": getFlagHandler,
  "flags.set": setFlagHandler,
  "audit.list": listAuditHandler,
  "components.list": listComponentsHandler,
  "monitors.list": listMonitorsHandler,
  "monitors.states": monitorStatesHandler,
  "subscribers.list": listSubscribersHandler,
  "subscribers.remove": removeSubscriberHandler,
  "holds.list": listHoldsHandler,
  "holds.hold": holdDomainHandler,
  "holds.lift": liftHoldHandler,
  "holds.holdWebhook": holdWebhookHandler,
  "holds.liftWebhook": liftWebhookHoldHandler,
  "holds.holdChannel": holdChannelHandler,
  "holds.liftChannel": liftChannelHoldHandler,
  "alerts.list": listAlertsHandler,
  "alerts.get": getAlertHandler,
  "alerts.ack": ackAlertHandler,
  "alertChannels.list": listAlertChannelsHandler,
  "alertChannels.test": testAlertChannelHandler,
  "webhooks.list": listWebhooksHandler,
  "webhooks.create": createWebhookHandler,
  "webhooks.get": getWebhookHandler,
  "webhooks.edit": editWebhookHandler,
  "webhooks.delete": deleteWebhookHandler,
  "webhooks.secret": webhookSecretHandler,
  "webhooks.rotate": rotateWebhookSecretHandler,
  "webhooks.test": testWebhookHandler,
  "backup.export": exportHandler,
  "backup.import": importHandler,
};

export interface DispatchDeps {
  sql: SqlStorage;
  env: Env;
  /** Runs a write in the object's transaction and bumps the page version when `changed` says so. */
  write<T>(change: (now: number) => T, changed: (result: T) => boolean): T;
}

async function prepare(call: ApiCall, deps: DispatchDeps): Promise<Prepared> {
  if (call.operation === "tokens.create") return { minted: await mintToken() };
  if (call.operation === "monitors.list") return { heartbeatTokens: await heartbeatTokensFor(deps.sql, deps.env) };
  return {};
}

/** May this credential call this operation? Null when it may; the 401 or 403 when not. Writes nothing but last use. */
export async function checkAccess(
  deps: DispatchDeps,
  credentialHash: string,
  operation: OperationId,
): Promise<ApiResult | null> {
  return refusal(authenticate(deps.sql, credentialHash, await bootstrapHash(deps.env), Date.now()), operation);
}

function refusal(actor: Actor | null, operation: OperationId): ApiResult | null {
  if (!actor) return problem(401, "unauthorized", "send a valid token: Authorization: Bearer <token>");
  const spec = OPERATIONS[operation];
  if (allows(actor.scopes, spec)) return null;
  const scope = spec.scope;
  const lacking = scopesNeeded(scope).filter((needed) => !actor.scopes.includes(needed));
  if (lacking.length === 1 && lacking[0] === scope) {
    return problem(403, "forbidden", `this token lacks the "${scope}" scope this operation needs`);
  }
  if (lacking.length > 0) {
    const names = lacking.map((name) => `"${name}"`).join(", ");
    return problem(
      403,
      "forbidden",
      `this token lacks ${names}: a backup holds what every scope guards, so it needs every scope`,
    );
  }
  return null;
}

let bootstrapCache: { secret: string; hash: Promise<string> } | null = null;

export function bootstrapHash(env: Env): Promise<string | null> {
  const secret = env.ADMIN_TOKEN?.trim();
  if (!secret) return Promise.resolve(null);
  if (bootstrapCache?.secret !== secret) bootstrapCache = { secret, hash: sha256Hex(secret) };
  return bootstrapCache.hash;
}

/**
 * One API request inside the StatusPage object: who is calling, may they,
 * was it sent before, then the handler in one transaction with its audit line
 * and its idempotency record. A refusal rolls the transaction back.
 */
export async function dispatch(deps: DispatchDeps, call: ApiCall): Promise<ApiResult> {
  const spec = OPERATIONS[call.operation];
  const now = Date.now();
  const bootstrap = await bootstrapHash(deps.env);
  const refused = refusal(
    authenticate(deps.sql, call.credentialHash, bootstrap, now, call.credentialKind),
    call.operation,
  );
  if (refused) return refused;
  const prepared = await prepare(call, deps);
  const idempotent = spec.method === "post" && call.idempotencyKey && call.requestHash;
  const handler = HANDLERS[call.operation] as Handler<OperationId>;
  // Set by the run inside the transaction: whether readers see what it wrote (a new page version).
  let seen = false;
  const run = (at: number): ApiResult => {
    // Again inside the transaction: a token revoked while `prepare` awaited must not write.
    const actor = authenticate(deps.sql, call.credentialHash, bootstrap, at, call.credentialKind);
    const refusedNow = refusal(actor, call.operation);
    if (refusedNow || !actor) return refusedNow ?? problem(401, "unauthorized", "token revoked");
    if (idempotent) {
      const first = replay(deps.sql, actor.id, call.idempotencyKey as string, call.requestHash as string, at);
      if (first) return first;
    }
    const context = {
      sql: deps.sql,
      env: deps.env,
      now: at,
      actor,
      params: call.params,
      body: call.body,
      query: call.query,
      ifMatch: call.ifMatch,
      prepared,
    } as ApiContext<OperationId>;
    const readersSee = readersWillSee(deps.sql, call.operation, call.params);
    const result = handler(context);
    seen = readersSee(result);
    if (idempotent && result.status < 300) {
      remember(deps.sql, actor.id, call.idempotencyKey as string, call.requestHash as string, result, at);
    }
    return result;
  };
  try {
    if (spec.method === "get") return run(now);
    return deps.write(run, (result) => result.status < 300 && !result.replayed && seen);
  } catch (error) {
    if (error instanceof ApiProblem) return error.toResult();
    if (error instanceof NotFoundError) return problem(422, "unknown_reference", error.message);
    log.error("api.failed", { operation: call.operation, error });
    throw error;
  }
}
