import type { z } from "zod";
import { signWebhook } from "../../webhooks/signing.ts";
import type { webhookChannel } from "../channels.ts";
import type { AlertMessage, ChannelRequest } from "../message.ts";
import { isMissing, type MissingSecrets, type ReadSecret, secrets } from "./secrets.ts";

/**
 * The generic webhook: the message as documented JSON (README "Alert
 * payloads"), signed per Standard Webhooks with the channel's `whsec_`
 * secret, like subscriber webhooks (worker/core/webhooks/signing.ts). The
 * webhook-id is the message's id (its channel and first outbox row), so a
 * retry carries the same id and a receiver can drop a duplicate, while a
 * later reminder of the same alert is a message of its own.
 */
export async function webhookRequest(
  channel: z.output<typeof webhookChannel>,
  secret: ReadSecret,
  message: AlertMessage,
  now: number,
): Promise<ChannelRequest | MissingSecrets> {
  const values = secrets(secret, { url: channel.urlSecret, signing: channel.signingSecret });
  if (isMissing(values)) return values;
  const body = JSON.stringify(webhookPayload(message));
  const signed = await signWebhook([values.signing], message.id, Math.floor(now / 1000), body);
  return {
    url: values.url,
    method: "POST",
    headers: { "content-type": "application/json", "user-agent": "Lookout-Alerts/1", ...signed },
    body,
    redact: [values.url, values.signing],
  };
}

/** Version 1 of the alert payload: what a receiver can rely on. */
export function webhookPayload(message: AlertMessage) {
  return {
    type: "lookout.alerts",
    version: 1,
    page: message.page,
    channel: message.channelId,
    thread: message.thread,
    notices: message.notices,
  };
}
