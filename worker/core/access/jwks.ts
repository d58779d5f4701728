/**
 * A team's JSON Web Key Set (Cloudflare Access publishes it at
 * <team domain>/cdn-cgi/access/certs): its RSA keys, imported for RS256
 * verification, by `kid`. Keys of another type or use are skipped; a body
 * that is not a key set at all is null, so it signs nobody in.
 */

/** Access publishes two (the current and the next); anything far beyond is not a key set we read. */
const MAX_KEYS = 20;

export const RS256 = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" } as const;

export async function importJwks(text: string): Promise<Map<string, CryptoKey> | null> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  const keys = (parsed as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) return null;
  const imported = new Map<string, CryptoKey>();
  for (const jwk of keys.slice(0, MAX_KEYS)) {
    if (!isRsaVerifyKey(jwk) || imported.has(jwk.kid)) continue;
    try {
      const key = await crypto.subtle.importKey(
        "jwk",
        { kty: "RSA", n: jwk.n, e: jwk.e, alg: "RS256", ext: true },
        RS256,
        false,
        ["verify"],
      );
      imported.set(jwk.kid, key);
    } catch {
      // A key workerd cannot import verifies nothing; the others still do.
    }
  }
  return imported;
}

type RsaJwk = { kty: "RSA"; kid: string; n: string; e: string };

function isRsaVerifyKey(value: unknown): value is RsaJwk {
  if (typeof value !== "object" || value === null) return false;
  const jwk = value as Record<string, unknown>;
  return (
    jwk.kty === "RSA" &&
    typeof jwk.kid === "string" &&
    jwk.kid.length > 0 &&
    typeof jwk.n === "string" &&
    typeof jwk.e === "string" &&
    (jwk.use === undefined || jwk.use === "sig") &&
    (jwk.alg === undefined || jwk.alg === "RS256")
  );
}
