import { beforeAll, describe, expect, it } from "vitest";
import { ACCESS_LEEWAY_SECONDS, verifyAccessJwt } from "../../worker/core/access/access-jwt.ts";
import { base64UrlOf, MAX_JWT_CHARS } from "../../worker/core/access/compact-jwt.ts";
import { importJwks } from "../../worker/core/access/jwks.ts";
import { accessClaims, jwksOf, makeKey, signJwt, type TestKey } from "../helpers/access-jwt.ts";

const TEAM = "https://acme.cloudflareaccess.com";
const AUD = "4714c1358e65fe4b408ad6d432a5f878f08194bdb4752441fd56faefa9b2b6f2";
const NOW = Date.parse("2026-12-06T08:00:00Z");
const expected = { teamDomain: TEAM, audience: AUD, now: NOW };

let key: TestKey;
let other: TestKey;
let keys: Map<string, CryptoKey>;
const lookup = async (kid: string) => keys.get(kid) ?? null;
const claims = (extra: Record<string, unknown> = {}) => ({
  ...accessClaims(TEAM, AUD, "Ada@Acme.example", NOW),
  ...extra,
});

beforeAll(async () => {
  key = await makeKey("current");
  // Another key under the same kid: what a forger who guessed the kid would hold.
  other = await makeKey("current");
  keys = (await importJwks(jwksOf(key))) ?? new Map();
});

describe("verifying a Cloudflare Access JWT", () => {
  it("accepts a token signed by the team's key, for this audience, in date; the email lower-cased", async () => {
    expect(await verifyAccessJwt(await signJwt(key, claims()), expected, lookup)).toEqual({
      ok: true,
      email: "ada@acme.example",
    });
    // `aud` may be a plain string too.
    expect(await verifyAccessJwt(await signJwt(key, claims({ aud: AUD })), expected, lookup)).toMatchObject({
      ok: true,
    });
  });

  it("tolerates the documented leeway on the clocks, not more", async () => {
    const s = NOW / 1000;
    const justExpired = claims({ exp: s - ACCESS_LEEWAY_SECONDS + 1 });
    expect(await verifyAccessJwt(await signJwt(key, justExpired), expected, lookup)).toMatchObject({ ok: true });
    const expired = claims({ exp: s - ACCESS_LEEWAY_SECONDS - 1 });
    expect(await verifyAccessJwt(await signJwt(key, expired), expected, lookup)).toEqual({
      ok: false,
      reason: "expired",
    });
    const future = claims({ nbf: s + ACCESS_LEEWAY_SECONDS + 5 });
    expect(await verifyAccessJwt(await signJwt(key, future), expected, lookup)).toEqual({
      ok: false,
      reason: "not_yet_valid",
    });
    const issuedLater = claims({ iat: s + ACCESS_LEEWAY_SECONDS + 5 });
    expect(await verifyAccessJwt(await signJwt(key, issuedLater), expected, lookup)).toMatchObject({
      reason: "not_yet_valid",
    });
  });

  it.each([
    ["expired an hour ago", { exp: NOW / 1000 - 3_600 }, "expired"],
    ["no expiry", { exp: undefined }, "expired"],
    ["another application's audience", { aud: ["someone-else"] }, "audience"],
    ["no audience", { aud: undefined }, "audience"],
    ["another team", { iss: "https://evil.cloudflareaccess.com" }, "issuer"],
    ["no email", { email: undefined }, "no_email"],
    ["a blank email", { email: " " }, "no_email"],
  ])("refuses a token with %s", async (_name, extra, reason) => {
    expect(await verifyAccessJwt(await signJwt(key, claims(extra)), expected, lookup)).toEqual({ ok: false, reason });
  });

  it("refuses a token signed by another key under the same kid", async () => {
    expect(await verifyAccessJwt(await signJwt(other, claims()), expected, lookup)).toEqual({
      ok: false,
      reason: "signature",
    });
  });

  it("refuses a token whose kid the key set does not hold, and says when the keys could not be read", async () => {
    const stranger = await signJwt(key, claims(), { kid: "retired" });
    expect(await verifyAccessJwt(stranger, expected, lookup)).toEqual({ ok: false, reason: "unknown_key" });
    expect(await verifyAccessJwt(await signJwt(key, claims()), expected, async () => "unavailable")).toEqual({
      ok: false,
      reason: "keys_unavailable",
    });
  });

  it("refuses a token whose payload was changed after signing", async () => {
    const [header, , signature] = (await signJwt(key, claims())).split(".");
    const forged = base64UrlOf(new TextEncoder().encode(JSON.stringify(claims({ email: "eve@acme.example" }))));
    expect(await verifyAccessJwt(`${header}.${forged}.${signature}`, expected, lookup)).toEqual({
      ok: false,
      reason: "signature",
    });
  });

  it("refuses alg none and HMAC, whatever the signature says, without looking up a key", async () => {
    let looked = 0;
    const counting = async (kid: string) => {
      looked += 1;
      return lookup(kid);
    };
    const none = await signJwt(key, claims(), { alg: "none" });
    const unsigned = `${none.split(".").slice(0, 2).join(".")}.`;
    expect(await verifyAccessJwt(unsigned, expected, counting)).toEqual({ ok: false, reason: "malformed" });
    expect(await verifyAccessJwt(none, expected, counting)).toEqual({ ok: false, reason: "algorithm" });
    const hmac = await signJwt(key, claims(), { alg: "HS256" });
    expect(await verifyAccessJwt(hmac, expected, counting)).toEqual({ ok: false, reason: "algorithm" });
    expect(looked).toBe(0);
  });

  it.each([
    ["empty", ""],
    ["two parts", "abc.def"],
    ["not base64url", "a+b.c/d.e=f"],
    ["not JSON", `${base64UrlOf(new TextEncoder().encode("{"))}.e30.c2ln`],
    ["a JSON array header", `${base64UrlOf(new TextEncoder().encode("[]"))}.e30.c2ln`],
    ["too long", `${"a".repeat(MAX_JWT_CHARS)}.e30.c2ln`],
  ])("refuses a malformed token: %s", async (_name, token) => {
    expect(await verifyAccessJwt(token, expected, lookup)).toEqual({ ok: false, reason: "malformed" });
  });

  it("reads only RSA signing keys from a key set, and nothing from a body that is not one", async () => {
    const set = JSON.parse(jwksOf(key)) as { keys: unknown[] };
    set.keys.push({ kty: "EC", kid: "ec", crv: "P-256", x: "a", y: "b" }, { kty: "RSA", kid: "enc", use: "enc" });
    expect([...((await importJwks(JSON.stringify(set))) ?? new Map()).keys()]).toEqual(["current"]);
    expect(await importJwks("<html>")).toBeNull();
    expect(await importJwks(`{"public_cert":{}}`)).toBeNull();
  });
});
