import { base64UrlOf } from "../../worker/core/access/compact-jwt.ts";
import { RS256 } from "../../worker/core/access/jwks.ts";

/**
 * A Cloudflare Access team of our own, for tests: RSA key pairs made with
 * Web Crypto, their public halves as a JWKS, and JWTs signed the way Access
 * signs its `Cf-Access-Jwt-Assertion`.
 */
export interface TestKey {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  /** The public key as a JWK, with its kid: what the team's JWKS lists. */
  jwk: JsonWebKey & { kid: string };
}

export async function makeKey(kid: string): Promise<TestKey> {
  const pair = (await crypto.subtle.generateKey(
    { ...RS256, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) },
    true,
    ["sign", "verify"],
  )) as CryptoKeyPair;
  const exported = (await crypto.subtle.exportKey("jwk", pair.publicKey)) as JsonWebKey;
  return {
    kid,
    privateKey: pair.privateKey,
    publicKey: pair.publicKey,
    jwk: { kty: "RSA", n: exported.n, e: exported.e, alg: "RS256", use: "sig", kid },
  };
}

export function jwksOf(...keys: TestKey[]): string {
  return JSON.stringify({ keys: keys.map((key) => key.jwk) });
}

const text = (value: unknown) => base64UrlOf(new TextEncoder().encode(JSON.stringify(value)));

/** A JWT signed with `key` (header kid = key.kid unless `header` says otherwise). */
export async function signJwt(
  key: TestKey,
  claims: Record<string, unknown>,
  header: Record<string, unknown> = {},
): Promise<string> {
  const signedPart = `${text({ alg: "RS256", kid: key.kid, typ: "JWT", ...header })}.${text(claims)}`;
  const signature = await crypto.subtle.sign(RS256, key.privateKey, new TextEncoder().encode(signedPart));
  return `${signedPart}.${base64UrlOf(new Uint8Array(signature))}`;
}

/** The claims Access puts in a token for `email`, valid for an hour from `now` (ms). */
export function accessClaims(
  teamDomain: string,
  audience: string,
  email: string,
  now = Date.now(),
): Record<string, unknown> {
  const seconds = Math.floor(now / 1000);
  return {
    aud: [audience],
    email,
    exp: seconds + 3_600,
    iat: seconds,
    nbf: seconds,
    iss: teamDomain,
    type: "app",
    sub: crypto.randomUUID(),
  };
}
