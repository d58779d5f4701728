import { hmacToken } from "../access/hmac-token.ts";
import { sameSecret } from "../access/same-secret.ts";

/** A confirmation link works this long; asking again sends a fresh one. */
export const CONFIRM_LINK_MS = 48 * 3_600_000;

/**
 * The paths in a subscriber's emails. Each carries an HMAC of the subscriber's
 * id (and, for confirmation, its expiry) under LINK_SECRET: unguessable,
 * checkable without storage, and all void at once if the secret is rotated.
 */
export async function confirmPath(secret: string, subscriberId: string, expiresAt: number): Promise<string> {
  const mac = await hmacToken(secret, `confirm:${subscriberId}:${expiresAt}`);
  return `/subscriptions/${subscriberId}/confirm/${expiresAt}/${mac}`;
}

/** Where a subscriber manages components and unsubscribes; the one-click unsubscribe is `${path}/unsubscribe`. */
export async function managePath(secret: string, subscriberId: string): Promise<string> {
  return `/subscriptions/${subscriberId}/${await hmacToken(secret, `manage:${subscriberId}`)}`;
}

export type LinkCheck = "valid" | "expired" | "invalid";

export async function checkConfirmLink(
  secret: string,
  subscriberId: string,
  expiresAt: number,
  mac: string,
  now: number,
): Promise<LinkCheck> {
  const expected = await hmacToken(secret, `confirm:${subscriberId}:${expiresAt}`);
  if (!sameSecret(mac, expected)) return "invalid";
  return now > expiresAt ? "expired" : "valid";
}

export async function checkManageLink(secret: string, subscriberId: string, mac: string): Promise<boolean> {
  return sameSecret(mac, await hmacToken(secret, `manage:${subscriberId}`));
}
