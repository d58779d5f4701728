import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { newWebhookSecret, SECRET_PREFIX, signWebhook } from "../../worker/core/webhooks/signing.ts";

/** Signatures are checked by the Standard Webhooks reference library, not by our own code. */
describe("Standard Webhooks signatures", () => {
  const body = JSON.stringify({ incident: { name: "Élevé — API errors ✓" } });

  it("a fresh secret is whsec_ and 32 random bytes, different each time", () => {
    const a = newWebhookSecret();
    expect(a.startsWith(SECRET_PREFIX)).toBe(true);
    expect(atob(a.slice(SECRET_PREFIX.length))).toHaveLength(32);
    expect(newWebhookSecret()).not.toBe(a);
  });

  it("verifies with the reference library, and fails for another secret, body, id or timestamp", async () => {
    const secret = newWebhookSecret();
    const now = Math.floor(Date.now() / 1000);
    const headers = await signWebhook([secret], "msg_42", now, body);
    expect(new Webhook(secret).verify(body, { ...headers })).toEqual(JSON.parse(body));
    expect(() => new Webhook(newWebhookSecret()).verify(body, { ...headers })).toThrow();
    expect(() => new Webhook(secret).verify(`${body} `, { ...headers })).toThrow();
    expect(() => new Webhook(secret).verify(body, { ...headers, "webhook-id": "msg_43" })).toThrow();
    expect(() => new Webhook(secret).verify(body, { ...headers, "webhook-timestamp": String(now - 1) })).toThrow();
  });

  it("during a rotation both secrets verify the same delivery", async () => {
    const [old, fresh] = [newWebhookSecret(), newWebhookSecret()];
    const headers = await signWebhook([fresh, old], "msg_1", Math.floor(Date.now() / 1000), body);
    expect(headers["webhook-signature"].split(" ")).toHaveLength(2);
    for (const secret of [old, fresh]) expect(new Webhook(secret).verify(body, { ...headers })).toBeTruthy();
  });

  it("a delivery signed long ago is refused by the library (replays)", async () => {
    const secret = newWebhookSecret();
    const headers = await signWebhook([secret], "msg_1", Math.floor(Date.now() / 1000) - 3600, body);
    expect(() => new Webhook(secret).verify(body, { ...headers })).toThrow(/timestamp/i);
  });
});
