import type { ApiResult } from "../../../worker/core/api/contract.ts";
import type { OperationId } from "../../../worker/core/api/operations.ts";

/**
 * Which writes readers can see (docs/decisions/0027-bounded-public-work.md). Only those move the page's
 * version, and with it `page.updated_at`, "last updated", every ETag and the
 * version /healthCheck reports; a token, a webhook endpoint, a flag, a hold
 * or an internal incident changes none of them.
 */

/** Operations whose effects no public surface shows, whatever they touch. */
const UNSEEN: ReadonlySet<OperationId> = new Set<OperationId>([
  "tokens.create",
  "tokens.revoke",
  "people.put",
  "people.delete",
  "flags.set",
  "webhooks.create",
  "webhooks.edit",
  "webhooks.delete",
  "webhooks.rotate",
  "webhooks.test",
  "holds.hold",
  "holds.lift",
  "holds.holdWebhook",
  "holds.liftWebhook",
  "holds.holdChannel",
  "holds.liftChannel",
  "alerts.ack",
  "alertChannels.test",
  "incidents.updates.preview",
]);

/**
 * Operations on one incident or maintenance (named by `:id`, or created):
 * seen when it is public before or after the write, so making one internal
 * is seen too. An internal incident may not change component statuses
 * (incidents.ts refuses it), and an internal maintenance leaves them alone
 * (maintenances.ts), so its writes stay out of sight.
 */
const ON_ONE_EVENT: ReadonlySet<OperationId> = new Set<OperationId>([
  "incidents.create",
  "incidents.edit",
  "incidents.updates.create",
  "reports.put",
  "reports.publish",
  "maintenances.create",
  "maintenances.edit",
  "maintenances.updates.create",
  "maintenances.cancel",
]);

/** Whether this incident or maintenance is one readers see. */
export function isPublicEvent(sql: SqlStorage, id: string | undefined): boolean {
  if (!id) return false;
  return sql.exec(`SELECT 1 FROM incidents WHERE id = ? AND visibility = 'public'`, id).toArray().length > 0;
}

/**
 * Asked inside the write's transaction before the handler runs; the function
 * it returns says, given the handler's result, whether readers see the
 * write. Any other operation (an import) counts as seen.
 */
export function readersWillSee(
  sql: SqlStorage,
  operation: OperationId,
  params: Record<string, string | undefined>,
): (result: ApiResult) => boolean {
  if (UNSEEN.has(operation)) return () => false;
  if (!ON_ONE_EVENT.has(operation)) return () => true;
  const wasPublic = isPublicEvent(sql, params.id);
  const mark = publicMark(sql);
  return (result) => wasPublic || isPublicEvent(sql, params.id ?? createdId(result)) || publicSince(sql, mark);
}

interface PublicMark {
  update: number;
  statusChange: number;
}

function publicMark(sql: SqlStorage): PublicMark {
  return sql
    .exec<{ update: number; statusChange: number }>(
      `SELECT (SELECT COALESCE(MAX(rowid), 0) FROM incident_updates) AS "update",
              (SELECT COALESCE(MAX(seq), 0) FROM component_status_history) AS statusChange`,
    )
    .one();
}

/**
 * Whether a write about one event changed others readers see on the side: a
 * maintenance created or edited also starts or ends every public window that
 * fell due (api/maintenances.ts), which posts updates and moves statuses.
 */
function publicSince(sql: SqlStorage, mark: PublicMark): boolean {
  const now = publicMark(sql);
  if (now.statusChange !== mark.statusChange) return true;
  if (now.update === mark.update) return false;
  return (
    sql
      .exec(
        `SELECT 1 FROM incident_updates u JOIN incidents i ON i.id = u.incident_id
         WHERE u.rowid > ? AND i.visibility = 'public' LIMIT 1`,
        mark.update,
      )
      .toArray().length > 0
  );
}

function createdId(result: ApiResult): string | undefined {
  const body = result.body as { id?: unknown } | null;
  return typeof body?.id === "string" ? body.id : undefined;
}
