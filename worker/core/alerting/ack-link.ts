import { hmacToken } from "../access/hmac-token.ts";
import { sameSecret } from "../access/same-secret.ts";

/**
 * The acknowledgement link in every alert: `/alerts/<id>/ack/<mac>`, an HMAC of
 * the alert's id under LINK_SECRET (as subscribers' links are), so it works for
 * whoever holds the message and for no other alert. Opening it (GET) only
 * shows a confirm page: link scanners in mail and chat tools open every link.
 */
export async function ackPath(secret: string, alertId: string): Promise<string> {
  return `/alerts/${encodeURIComponent(alertId)}/ack/${await hmacToken(secret, `ack:${alertId}`)}`;
}

export async function isAckMac(secret: string, alertId: string, mac: string): Promise<boolean> {
  return sameSecret(mac, await hmacToken(secret, `ack:${alertId}`));
}
