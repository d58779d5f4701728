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
