import { ApiProblem } from "../../../worker/core/api/contract.ts";
import type { OperationId } from "../../../worker/core/api/operations.ts";
import { refusedWebhookTarget } from "../../../worker/core/webhooks/target-address.ts";
import { isoOrNull } from "../time.ts";
import {
  auditedWebhook,
  createWebhook,
  deleteWebhook,
  describeWebhook,
  editWebhook,
  queueTestDelivery,
  readWebhook,
  rotateWebhookSecret,
  type WebhookRow,
} from "../webhooks.ts";
import { type ApiContext, type Handler, notFound, recordAudit } from "./context.ts";
import { checkComponents } from "./lists.ts";

function existing({ sql, params }: Pick<ApiContext<OperationId>, "sql" | "params">): WebhookRow {
  const id = params.id ?? "";
  const row = readWebhook(sql, id);
  if (!row) throw notFound("webhook", id);
  return row;
}

/** Refused before anything is stored: outside local dev, only https on a public address. */
function checkTarget({ env }: Pick<ApiContext<OperationId>, "env">, url: string | undefined): void {
  if (url === undefined) return;
  const refused = refusedWebhookTarget(url, env.ENVIRONMENT);
  if (refused) {
    throw new ApiProblem(422, "refused_target", `the webhook URL ${refused}`, [{ path: "url", message: refused }]);
  }
}

function secrets(row: WebhookRow) {
  return {
    secret: row.secret,
    previousSecret: row.previous_secret,
    previousSecretValidUntil: isoOrNull(row.previous_secret_until),
  };
}

export const listWebhooksHandler: Handler<"webhooks.list"> = ({ sql }) => ({
  status: 200,
  body: {
    data: sql
      .exec<WebhookRow & Record<string, SqlStorageValue>>(`SELECT * FROM webhooks ORDER BY created_at, id`)
      .toArray()
      .map((row) => describeWebhook(sql, row)),
  },
});

export const createWebhookHandler: Handler<"webhooks.create"> = (context) => {
  const { sql, body, now, actor } = context;
  checkTarget(context, body.url);
  if (body.components) checkComponents(sql, body.components, "components");
  const row = createWebhook(sql, body, actor.id, now);
  const created = describeWebhook(sql, row);
  recordAudit(context, "webhook.create", row.id, null, auditedWebhook(created));
  // The secret is in the answer (and readable later under the same scope), never in the audit log.
  return { status: 201, body: { ...created, secret: row.secret } };
};

export const getWebhookHandler: Handler<"webhooks.get"> = (context) => ({
  status: 200,
  body: describeWebhook(context.sql, existing(context)),
});

export const editWebhookHandler: Handler<"webhooks.edit"> = (context) => {
  const { sql, body, now } = context;
  const row = existing(context);
  checkTarget(context, body.url);
  if (body.components) checkComponents(sql, body.components, "components");
  const before = describeWebhook(sql, row);
  const after = describeWebhook(sql, editWebhook(sql, row, body, now));
  recordAudit(context, "webhook.edit", row.id, auditedWebhook(before), auditedWebhook(after));
  return { status: 200, body: after };
};

export const deleteWebhookHandler: Handler<"webhooks.delete"> = (context) => {
  const { sql } = context;
  const row = existing(context);
  const before = describeWebhook(sql, row);
  deleteWebhook(sql, row.id);
  recordAudit(context, "webhook.delete", row.id, auditedWebhook(before), null);
  return { status: 200, body: { deleted: true, dropped: before.waiting } };
};

export const webhookSecretHandler: Handler<"webhooks.secret"> = (context) => ({
  status: 200,
  body: secrets(existing(context)),
});

export const rotateWebhookSecretHandler: Handler<"webhooks.rotate"> = (context) => {
  const { sql, body, now } = context;
  const row = rotateWebhookSecret(sql, existing(context), body.overlapSeconds * 1000, now);
  recordAudit(context, "webhook.rotate_secret", row.id, null, {
    previousSecretValidUntil: isoOrNull(row.previous_secret_until),
  });
  return { status: 200, body: secrets(row) };
};

export const testWebhookHandler: Handler<"webhooks.test"> = (context) => {
  const row = existing(context);
  queueTestDelivery(context.sql, row.id, context.now);
  recordAudit(context, "webhook.test", row.id, null, { queued: true });
  return { status: 200, body: { queued: true, enabled: row.disabled_at === null } };
};
