import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { AlertAttempt } from "../../worker/core/alerting/answer.ts";
import type { AlertMessage, ChannelRequest } from "../../worker/core/alerting/message.ts";
import { renderRequest } from "../../worker/core/alerting/providers/index.ts";
import { sendAlert } from "../../worker/platform/alerting/send-alert.ts";
import { channelFor, type HttpChannel, secretValues } from "../helpers/alert-channels.ts";
import { message } from "../helpers/alert-notices.ts";
import {
  ALERT_PROVIDERS,
  type AlertProvider,
  type AlertReceiverAddresses,
} from "../helpers/node/alert-receivers/addresses.ts";
import { failNext, limitRate, receivedBy } from "../helpers/node/alert-receivers/client.ts";

/**
 * Each channel kind sends real requests through sendAlert to a local
 * receiver that checks them against the provider's documented contract
 * (test/helpers/node/alert-receivers/), and Lookout judges each of the
 * provider's answers: success, its 429 with the wait it asks for, a 5xx, its
 * 400 (permanent, the provider's reason quoted, no secret), and silence.
 */
const addresses = (env as unknown as { ALERT_RECEIVERS: AlertReceiverAddresses }).ALERT_RECEIVERS;
const run = crypto.randomUUID().slice(0, 8);
const TIMEOUT_MS = 500;

/** What each provider's 429 carries (the receivers answer the way the provider does). */
const RATE_LIMITED: Record<AlertProvider, { retryAfterSeconds: number; expectedMs: number | undefined }> = {
  // Retry-After header.
  slack: { retryAfterSeconds: 7, expectedMs: 7000 },
  teams: { retryAfterSeconds: 7, expectedMs: 7000 },
  // JSON retry_after 1.5 (float seconds) and Retry-After 2 (whole seconds): the longer wait.
  discord: { retryAfterSeconds: 1.5, expectedMs: 2000 },
  // JSON parameters.retry_after.
  telegram: { retryAfterSeconds: 7, expectedMs: 7000 },
  // No wait given: ntfy, PagerDuty and Opsgenie ask for a retry "with backoff", which the outbox's own schedule gives.
  ntfy: { retryAfterSeconds: 7, expectedMs: undefined },
  pagerduty: { retryAfterSeconds: 7, expectedMs: undefined },
  opsgenie: { retryAfterSeconds: 7, expectedMs: undefined },
};

const PROVIDERS = ALERT_PROVIDERS;

/** A request the provider must refuse: nonsense JSON, or for ntfy (whose body is any text) a priority of 9. */
function malformed(provider: AlertProvider, request: ChannelRequest): ChannelRequest {
  if (provider === "ntfy") return { ...request, headers: { ...request.headers, Priority: "9" } };
  return { ...request, body: JSON.stringify({ nonsense: true }) };
}

async function render(
  channel: HttpChannel,
  secrets: Record<string, string>,
  msg: AlertMessage,
): Promise<ChannelRequest> {
  const request = await renderRequest(channel, (name) => secrets[name], msg, Date.now());
  if ("missing" in request) throw new Error(`missing ${request.missing.join(", ")}`);
  return request;
}

function expectNoSecret(attempt: AlertAttempt) {
  if (attempt.outcome === "sent") return;
  for (const secret of secretValues()) expect(attempt.reason).not.toContain(secret);
  expect(attempt.reason).not.toContain("127.0.0.1");
}

describe.each(PROVIDERS)("%s channel", (provider) => {
  const base = addresses[provider];
  const setup = (name: string) => {
    const scope = `${run}-${name}`;
    return { scope, ...channelFor(provider, addresses, scope) };
  };

  it("delivers one notice and a grouped message of 500, each within the provider's contract", async () => {
    const { scope, channel, secrets } = setup("ok");
    const attempts = [];
    for (const msg of [message(1), message(500), message(3, "resolve")]) {
      attempts.push(await sendAlert(await render(channel, secrets, msg), TIMEOUT_MS));
    }
    expect(attempts).toEqual([{ outcome: "sent" }, { outcome: "sent" }, { outcome: "sent" }]);
    const received = await receivedBy(base, scope);
    expect(received.map((r) => r.violations)).toEqual([[], [], []]);
    expect(received.every((r) => r.status >= 200 && r.status < 300)).toBe(true);
  });

  it("takes the provider's 429 as temporary, with the wait it asks for", async () => {
    const { scope, channel, secrets } = setup("busy");
    const { retryAfterSeconds, expectedMs } = RATE_LIMITED[provider];
    await failNext(base, scope, { mode: "429", retryAfterSeconds });
    const attempt = await sendAlert(await render(channel, secrets, message(1)), TIMEOUT_MS);
    expect(attempt).toMatchObject({ outcome: "temporary", reason: expect.stringMatching(/^HTTP 429/) });
    expect(attempt.outcome !== "sent" && attempt.retryAfterMs).toBe(expectedMs ?? undefined);
    expectNoSecret(attempt);
  });

  it("takes a 5xx as temporary", async () => {
    const { scope, channel, secrets } = setup("down");
    await failNext(base, scope, { mode: "5xx", status: 502 });
    const attempt = await sendAlert(await render(channel, secrets, message(1)), TIMEOUT_MS);
    expect(attempt).toMatchObject({ outcome: "temporary", reason: expect.stringMatching(/^HTTP 502/) });
  });

  it("takes the provider's 400 as permanent, quoting its reason and no secret", async () => {
    const { scope, channel, secrets } = setup("refused");
    await failNext(base, scope, { mode: "400" });
    const attempt = await sendAlert(await render(channel, secrets, message(1)), TIMEOUT_MS);
    expect(attempt).toMatchObject({ outcome: "permanent", reason: expect.stringMatching(/^HTTP 4\d\d: \S/) });
    expectNoSecret(attempt);
  });

  it("gives up on a receiver that never answers", async () => {
    const { scope, channel, secrets } = setup("hang");
    await failNext(base, scope, { mode: "hang" });
    const attempt = await sendAlert(await render(channel, secrets, message(1)), TIMEOUT_MS);
    expect(attempt).toEqual({ outcome: "temporary", reason: "no answer within 0.5 s" });
    expect(await receivedBy(base, scope)).toHaveLength(1);
  });

  it("answers a malformed request with the provider's 400 and records the violation", async () => {
    const { scope, channel, secrets } = setup("malformed");
    const request = await render(channel, secrets, message(1));
    const attempt = await sendAlert(malformed(provider, request), TIMEOUT_MS);
    expect(attempt).toMatchObject({ outcome: "permanent" });
    expectNoSecret(attempt);
    const [received] = await receivedBy(base, scope);
    expect(received?.violations.length).toBeGreaterThan(0);
  });
});

describe("a receiver's rate limit", () => {
  it("answers the provider's 429 beyond it, which Lookout takes as temporary with the wait", async () => {
    const scope = `${run}-limited`;
    const { channel, secrets } = channelFor("slack", addresses, scope);
    // One message per minute: the window outlasts the test, so the count does not depend on timing.
    await limitRate(addresses.slack, scope, { count: 1, perMs: 60_000 });
    const attempts = [];
    for (let i = 0; i < 3; i++) attempts.push(await sendAlert(await render(channel, secrets, message(1)), TIMEOUT_MS));
    expect(attempts.map((a) => a.outcome)).toEqual(["sent", "temporary", "temporary"]);
    expect(attempts[1]).toMatchObject({ retryAfterMs: 60_000 });
    const received = await receivedBy(addresses.slack, scope);
    expect(received.map((r) => r.throttled)).toEqual([false, true, true]);
    expect(received.flatMap((r) => r.violations)).toEqual([]);
  });
});
