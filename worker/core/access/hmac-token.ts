/**
 * An unguessable token for a message under a deployment secret: the first 24
 * bytes of HMAC-SHA-256, base64url. Nothing is stored; rotating the secret
 * invalidates every token at once. Web Crypto only, so it runs in the Worker,
 * the objects and the Node scripts alike.
 */
export async function hmacToken(secret: string, message: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(message)));
  return btoa(String.fromCharCode(...mac.slice(0, 24)))
    .replace(/\+/g, "-")
    .replace(/\//g, "_");
}
