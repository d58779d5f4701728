import { describe, expect, it } from "vitest";
import { judgeAnswer, providerReason, redactReason } from "../../../worker/core/alerting/answer.ts";

const NOW = Date.parse("2026-12-05T21:00:00Z");
const judge = (status: number, said = "", headers: Record<string, string> = {}) =>
  judgeAnswer(status, new Headers(headers), said, NOW);

describe("judging a provider's answer", () => {
  it("takes 2xx as sent (Slack 200, Discord 204, Teams and PagerDuty 202)", () => {
    for (const status of [200, 202, 204]) expect(judge(status)).toEqual({ outcome: "sent" });
  });

  it("reads Slack's Retry-After header", () => {
    expect(judge(429, "rate_limited", { "retry-after": "3" })).toEqual({
      outcome: "temporary",
      reason: "HTTP 429: rate_limited",
      retryAfterMs: 3000,
    });
  });

  it("reads Discord's float retry_after, taking the longer of header and body", () => {
    const said = JSON.stringify({ message: "You are being rate limited.", retry_after: 1.234, global: false });
    expect(judge(429, said)).toMatchObject({ retryAfterMs: 1234 });
    expect(judge(429, said, { "retry-after": "2" })).toMatchObject({ retryAfterMs: 2000 });
    expect(judge(429, said, { "retry-after": "1" })).toMatchObject({ retryAfterMs: 1234 });
  });

  it("reads Telegram's parameters.retry_after and quotes its description", () => {
    const said = JSON.stringify({
      ok: false,
      error_code: 429,
      description: "Too Many Requests: retry after 35",
      parameters: { retry_after: 35 },
    });
    expect(judge(429, said)).toEqual({
      outcome: "temporary",
      reason: "HTTP 429: Too Many Requests: retry after 35",
      retryAfterMs: 35_000,
    });
  });

  it("takes 5xx and 408 as temporary, without a wait when none is asked", () => {
    expect(judge(503, "upstream unavailable")).toEqual({
      outcome: "temporary",
      reason: "HTTP 503: upstream unavailable",
    });
    expect(judge(408)).toEqual({ outcome: "temporary", reason: "HTTP 408" });
  });

  it("takes any other 4xx as permanent, with the provider's own words", () => {
    expect(judge(404, "no_service")).toEqual({ outcome: "permanent", reason: "HTTP 404: no_service" });
    const pd = JSON.stringify({
      status: "invalid event",
      message: "Event object is invalid",
      errors: ["Length of 'routing_key' is incorrect"],
    });
    expect(judge(400, pd)).toEqual({
      outcome: "permanent",
      reason: "HTTP 400: Event object is invalid: Length of 'routing_key' is incorrect",
    });
    const opsgenie = JSON.stringify({
      message: "Request body is not processable.",
      errors: { message: "Message can not be empty." },
      took: 0.001,
    });
    expect(judge(422, opsgenie)).toMatchObject({
      reason: "HTTP 422: Request body is not processable.: Message can not be empty.",
    });
    expect(judge(400, JSON.stringify({ error: { code: "InvalidRequestContent", message: "Bad card" } }))).toMatchObject(
      {
        reason: "HTTP 400: Bad card",
      },
    );
  });

  it("quotes at most 200 characters on one line", () => {
    const reason = providerReason(`line one\n${"x".repeat(500)}`);
    expect(reason).not.toContain("\n");
    expect(reason).toHaveLength(200);
  });
});

describe("redacting a reason", () => {
  it("removes a secret, the webhook URL and each of its path segments and query values", () => {
    const url = "https://hooks.slack.com/services/T0LOOKOUT/B0ONCALL1/x9S3cr3tW3bh00kT0k3n?sig=abcdefgh123";
    const reason =
      "HTTP 404: no webhook at /services/T0LOOKOUT/B0ONCALL1/x9S3cr3tW3bh00kT0k3n, token x9S3cr3tW3bh00kT0k3n, sig abcdefgh123, key R0UT1NGk3y";
    const out = redactReason(reason, [url, "R0UT1NGk3y"]);
    for (const secret of ["x9S3cr3tW3bh00kT0k3n", "abcdefgh123", "R0UT1NGk3y", "/services/"])
      expect(out).not.toContain(secret);
    expect(out).toContain("HTTP 404: no webhook at [secret]");
  });

  it("removes a secret before clipping: a secret cut in half by the clip leaves no piece behind", () => {
    const secret = "R0UT1NGk3yR0UT1NGk3yR0UT1NGk3y";
    const said = JSON.stringify({ message: `${"no such service; ".repeat(11)}key ${secret} rejected` });
    const attempt = judgeAnswer(400, new Headers(), said, NOW, [secret]);
    expect(attempt).toMatchObject({ outcome: "permanent" });
    const reason = attempt.outcome === "sent" ? "" : attempt.reason;
    expect(reason).not.toContain(secret.slice(0, 8));
    expect(reason).toContain("[secret]");
  });
});
