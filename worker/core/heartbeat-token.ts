import { hmacToken } from "./access/hmac-token.ts";

/**
 * The secret in a heartbeat monitor's URL: an HMAC of the monitor's id under
 * the deployment's HEARTBEAT_SECRET, so no token is stored anywhere and a
 * leaked URL is fixed by rotating the secret.
 */
export function heartbeatToken(secret: string, monitorId: string): Promise<string> {
  return hmacToken(secret, `heartbeat:${monitorId}`);
}
