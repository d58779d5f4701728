/**
 * A JWT in compact form (header.payload.signature, each base64url), taken
 * apart without trusting it: size bounded before any decoding, each part
 * strictly base64url, header and payload JSON objects. Nothing here says
 * the token is genuine; access-jwt.ts does.
 */

/** Access tokens are about 1 KB; a few times that leaves room and refuses a flood before decoding it. */
export const MAX_JWT_CHARS = 8_192;

export interface CompactJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  /** `header.payload` as sent: the bytes the signature covers. */
  signedPart: string;
  /** The signature, still base64url. */
  signature: string;
}

const PART = /^[A-Za-z0-9_-]+$/;

export function parseJwt(token: string): CompactJwt | null {
  if (token.length === 0 || token.length > MAX_JWT_CHARS) return null;
  const parts = token.split(".");
  if (parts.length !== 3) return null;
  const [header, payload, signature] = parts as [string, string, string];
  if (!PART.test(header) || !PART.test(payload) || !PART.test(signature)) return null;
  const headerJson = jsonObject(header);
  const payloadJson = jsonObject(payload);
  if (!headerJson || !payloadJson) return null;
  return { header: headerJson, payload: payloadJson, signedPart: `${header}.${payload}`, signature };
}

/** The bytes of a base64url string (no padding), or null when it is not one. */
export function base64UrlBytes(text: string): Uint8Array | null {
  if (!PART.test(text) || text.length % 4 === 1) return null;
  try {
    const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (text.length % 4)) % 4));
    return Uint8Array.from(binary, (char) => char.charCodeAt(0));
  } catch {
    return null;
  }
}

/** base64url of bytes, no padding: how a JWT's parts are written. */
export function base64UrlOf(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function jsonObject(part: string): Record<string, unknown> | null {
  const bytes = base64UrlBytes(part);
  if (!bytes) return null;
  try {
    const value: unknown = JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes));
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}
