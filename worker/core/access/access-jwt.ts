import { base64UrlBytes, parseJwt } from "./compact-jwt.ts";

/**
 * Checks the `Cf-Access-Jwt-Assertion` Cloudflare Access puts on every
 * request it lets through (README "Signing in with Cloudflare Access";
 * docs/decisions/0046-access-sign-in.md): RS256 only, signed by a key of the
 * team's JWKS, for this application's audience, issued by the team, in date,
 * and naming an email. Pure: the keys come from `keyFor`.
 */

/** Clock skew tolerated between Cloudflare's clock and ours, either way. */
export const ACCESS_LEEWAY_SECONDS = 60;

export interface AccessExpectations {
  /** The team domain as configured, e.g. https://acme.cloudflareaccess.com (a trailing slash is ignored). */
  teamDomain: string;
  /** The Access application's AUD tag. */
  audience: string;
  /** Milliseconds since the epoch. */
  now: number;
}

/** The key a `kid` names, null when the team's JWKS has none, "unavailable" when the JWKS could not be read. */
export type KeyLookup = (kid: string) => Promise<CryptoKey | null | "unavailable">;

export type AccessRefusal =
  | "malformed"
  | "algorithm"
  | "unknown_key"
  | "keys_unavailable"
  | "signature"
  | "audience"
  | "issuer"
  | "expired"
  | "not_yet_valid"
  | "no_email";

export type AccessVerdict = { ok: true; email: string } | { ok: false; reason: AccessRefusal };

/** What a refusal means, for the page that explains it. */
export const ACCESS_REFUSALS: Record<AccessRefusal, string> = {
  malformed: "the Access token is not a well-formed JWT",
  algorithm: "the Access token is not signed with RS256",
  unknown_key: "the Access token is signed with a key the team's key set does not hold",
  keys_unavailable: "the team's Access keys could not be read",
  signature: "the Access token's signature does not match",
  audience: "the Access token is for another Access application (audience)",
  issuer: "the Access token was issued by another team",
  expired: "the Access token has expired",
  not_yet_valid: "the Access token is not valid yet",
  no_email: "the Access token names no email",
};

/** The normalized team domain: what `iss` must equal, and where its keys are. */
export function teamOrigin(teamDomain: string): string {
  return teamDomain.replace(/\/+$/, "");
}

/** Where a team's signing keys are published. */
export function jwksUrl(teamDomain: string): string {
  return `${teamOrigin(teamDomain)}/cdn-cgi/access/certs`;
}

export async function verifyAccessJwt(
  token: string,
  expected: AccessExpectations,
  keyFor: KeyLookup,
): Promise<AccessVerdict> {
  const jwt = parseJwt(token);
  if (!jwt) return refuse("malformed");
  // Only RS256: `none` or an HMAC would let anyone who knows the public key sign.
  if (jwt.header.alg !== "RS256") return refuse("algorithm");
  const kid = jwt.header.kid;
  if (typeof kid !== "string" || kid.length === 0 || kid.length > 200) return refuse("unknown_key");
  const key = await keyFor(kid);
  if (key === "unavailable") return refuse("keys_unavailable");
  if (key === null) return refuse("unknown_key");
  const signature = base64UrlBytes(jwt.signature);
  if (!signature) return refuse("malformed");
  const signed = new TextEncoder().encode(jwt.signedPart);
  let valid = false;
  try {
    valid = await crypto.subtle.verify("RSASSA-PKCS1-v1_5", key, signature, signed);
  } catch {
    valid = false;
  }
  if (!valid) return refuse("signature");
  return checkClaims(jwt.payload, expected);
}

/** The claims of a token whose signature holds. */
export function checkClaims(claims: Record<string, unknown>, expected: AccessExpectations): AccessVerdict {
  const audiences = typeof claims.aud === "string" ? [claims.aud] : Array.isArray(claims.aud) ? claims.aud : [];
  if (!audiences.includes(expected.audience)) return refuse("audience");
  if (claims.iss !== teamOrigin(expected.teamDomain)) return refuse("issuer");
  const now = expected.now / 1000;
  if (typeof claims.exp !== "number" || claims.exp <= now - ACCESS_LEEWAY_SECONDS) return refuse("expired");
  for (const claim of [claims.nbf, claims.iat]) {
    if (claim === undefined) continue;
    if (typeof claim !== "number" || claim > now + ACCESS_LEEWAY_SECONDS) return refuse("not_yet_valid");
  }
  const email = typeof claims.email === "string" ? claims.email.trim().toLowerCase() : "";
  // The shape, not RFC 5322: Access has checked the address; this keeps a blank or odd one out.
  if (!/^[^\s@]{1,64}@[^\s@]{1,189}$/.test(email)) return refuse("no_email");
  return { ok: true, email };
}

function refuse(reason: AccessRefusal): AccessVerdict {
  return { ok: false, reason };
}
