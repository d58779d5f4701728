import { type AlertChannelConfig, secretsOf } from "../../../worker/core/alerting/channels.ts";
import { alertChannel, readAlertingConfig } from "../alerts/alerting-config.ts";
import { queueOne } from "../outbox/queue.ts";
import { isoOrNull } from "../time.ts";
import { type Handler, notFound, recordAudit } from "./context.ts";

type HealthRow = {
  next_send_at: number;
  last_success_at: number | null;
  last_failure_at: number | null;
  last_failure: string | null;
  failures_in_a_row: number;
};

/**
 * The secret names a channel reads that this deployment does not have. Only
 * names are looked at and returned: a secret's value never leaves `env`.
 */
export function missingSecrets(env: Env, channel: AlertChannelConfig): string[] {
  const vars = env as unknown as Record<string, unknown>;
  return secretsOf(channel).filter((name) => {
    const value = vars[name];
    return typeof value !== "string" || value.trim() === "";
  });
}

/**
 * A config channel as an operator checks it: its health (what the sender
 * recorded in alert_channels), whether it is held, what waits for it, and
 * which of its secrets are missing, so a channel that can never send is seen
 * before the night it is needed.
 */
export function describeChannel(sql: SqlStorage, env: Env, channel: AlertChannelConfig) {
  const health = sql
    .exec<HealthRow>(
      `SELECT next_send_at, last_success_at, last_failure_at, last_failure, failures_in_a_row
       FROM alert_channels WHERE id = ?`,
      channel.id,
    )
    .toArray()[0];
  const held = sql.exec(`SELECT 1 FROM delivery_holds WHERE kind = 'channel' AND target = ?`, channel.id).toArray();
  const waiting = sql
    .exec<{ n: number }>(
      `SELECT COUNT(*) AS n FROM outbox WHERE channel = 'alert' AND recipient = ? AND state IN ('pending', 'sending')`,
      channel.id,
    )
    .one().n;
  return {
    id: channel.id,
    kind: channel.kind,
    name: channel.name ?? channel.id,
    groupSeconds: channel.groupSeconds,
    secrets: secretsOf(channel),
    missingSecrets: missingSecrets(env, channel),
    held: held.length > 0,
    waiting,
    lastSuccessAt: isoOrNull(health?.last_success_at ?? null),
    lastFailureAt: isoOrNull(health?.last_failure_at ?? null),
    lastFailure: health?.last_failure ?? null,
    failuresInARow: health?.failures_in_a_row ?? 0,
    nextSendAt: health?.next_send_at ? isoOrNull(health.next_send_at) : null,
  };
}

export const listAlertChannelsHandler: Handler<"alertChannels.list"> = ({ sql, env }) => ({
  status: 200,
  body: { data: readAlertingConfig(sql).channels.map((channel) => describeChannel(sql, env, channel)) },
});

/**
 * One test notice to one channel, through the outbox like every alert (so it
 * proves the whole path, hold and rate limits included). Queued, not sent:
 * 202, and the channel's health shows how it went.
 */
export const testAlertChannelHandler: Handler<"alertChannels.test"> = (context) => {
  const { sql, env, params, now } = context;
  const id = params.channel ?? "";
  const channel = alertChannel(sql, id);
  if (!channel) throw notFound("alert channel", id);
  const dedupeKey = `test:${now}`;
  queueOne(sql, "alert", channel.id, { dedupeKey, kind: "test", ref: null }, now);
  const described = describeChannel(sql, env, channel);
  recordAudit(context, "alert_channel.test", channel.id, null, { queued: dedupeKey });
  return {
    status: 202,
    body: { queued: true, channel: channel.id, held: described.held, missingSecrets: described.missingSecrets },
  };
};
