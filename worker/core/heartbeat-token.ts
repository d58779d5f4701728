/**
 * The secret in a heartbeat monitor's URL: an HMAC of the monitor's id under
 * the deployment's HEARTBEAT_SECRET, so no token is stored anywhere and a
 * leaked URL is fixed by rotating the secret. Web Crypto only: the same code
 * runs in the Worker and in `npm start`.
 */
export async function heartbeatToken(secret: string, monitorId: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`heartbeat:${monitorId}`)));
  return btoa(String.fromCharCode(...mac.slice(0, 24)))
    .replace(/\+/g, "-")
    .replace(/\//g, "_");
}

/** Compares in constant time, so the response time says nothing about how much of a guess was right. */
export function sameSecret(a: string, b: string): boolean {
  const left = new TextEncoder().encode(a);
  const right = new TextEncoder().encode(b);
  let difference = left.length ^ right.length;
  for (let i = 0; i < Math.max(left.length, right.length); i++) difference |= (left[i] ?? 0) ^ (right[i] ?? 0);
  return difference === 0;
}
