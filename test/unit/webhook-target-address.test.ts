import { describe, expect, it } from "vitest";
import {
  judgeWebhookResponse,
  retryAfterMs,
  WEBHOOK_MAX_ATTEMPTS,
  webhookRetryDelayMs,
} from "../../worker/core/webhooks/retry.ts";
import { refusedWebhookTarget } from "../../worker/core/webhooks/target-address.ts";

describe("where a webhook may point", () => {
  const refusedInProduction = [
    "http://hooks.example.com/x", // plain http
    "https://127.0.0.1/x",
    "https://127.8.9.10/x",
    "https://10.1.2.3/x",
    "https://172.16.0.1/x",
    "https://172.31.255.255/x",
    "https://192.168.1.1/x",
    "https://169.254.169.254/latest/meta-data", // cloud metadata
    "https://100.64.0.1/x", // carrier-grade NAT
    "https://0.0.0.0/x",
    "https://[::1]/x",
    "https://[::]/x",
    "https://[fd00::1]/x",
    "https://[fe80::1]/x",
    "https://[::ffff:127.0.0.1]/x",
    "https://[::ffff:10.0.0.1]/x",
    "https://[::7f00:1]/x", // IPv4-compatible 127.0.0.1
    "https://[64:ff9b::a9fe:a9fe]/x", // NAT64 169.254.169.254
    "https://[::ffff:0:a9fe:a9fe]/x", // IPv4-translated
    "https://[2002:a9fe:a9fe::]/x", // 6to4
    "https://[fec0::1]/x", // site-local
    "https://localhost../x",
    "https://localhost/x",
    "https://api.localhost/x",
    "https://printer.local/x",
    "https://db.internal/x",
    "https://intranet/x",
    "https://2130706433/x", // 127.0.0.1 as one number: the URL parser normalises it
    "https://0x7f.1/x",
    "https://user:pass@hooks.example.com/x",
    "ftp://hooks.example.com/x",
    "not a url",
  ];
  it.each(refusedInProduction)("refuses %s outside local dev", (url) => {
    expect(refusedWebhookTarget(url, "production")).not.toBeNull();
    expect(refusedWebhookTarget(url, "staging")).not.toBeNull();
  });

  it.each([
    "https://hooks.example.com/lookout",
    "https://8.8.8.8/x",
    "https://172.32.0.1/x",
    "https://[2606:4700::1111]/x",
    "https://[64:ff9b::808:808]/x", // NAT64 8.8.8.8
    "https://[2002:808:808::1]/x", // 6to4 8.8.8.8
    "https://hooks.slack.com/services/T/B/X",
  ])("accepts %s", (url) => {
    expect(refusedWebhookTarget(url, "production")).toBeNull();
  });

  it("local dev accepts loopback over plain http (npm start and the tests), never other schemes", () => {
    expect(refusedWebhookTarget("http://127.0.0.1:8025/hooks/x", "local")).toBeNull();
    expect(refusedWebhookTarget("file:///etc/passwd", "local")).not.toBeNull();
  });
});

describe("webhook retries", () => {
  it("wait 5 s, then minutes, then hours, about a day and a half in all, each jittered within its upper half", () => {
    const earliest = Array.from({ length: WEBHOOK_MAX_ATTEMPTS - 1 }, (_, i) => webhookRetryDelayMs(i + 1, 0));
    const latest = Array.from({ length: WEBHOOK_MAX_ATTEMPTS - 1 }, (_, i) => webhookRetryDelayMs(i + 1, 1));
    expect(latest[0]).toBe(5_000);
    expect(earliest[0]).toBe(2_500);
    for (let i = 1; i < latest.length; i++) expect(latest[i]).toBeGreaterThanOrEqual(latest[i - 1] as number);
    const total = latest.reduce((a, b) => a + b, 0);
    expect(total / 3_600_000).toBeGreaterThan(24);
    expect(total / 3_600_000).toBeLessThan(48);
  });

  it("only 2xx is delivered; 410 means gone; anything else (3xx included) is a failure", () => {
    expect([200, 202, 204, 299].map(judgeWebhookResponse)).toEqual(Array(4).fill("delivered"));
    expect(judgeWebhookResponse(410)).toBe("gone");
    expect([301, 302, 400, 404, 429, 500, 503].map(judgeWebhookResponse)).toEqual(Array(7).fill("failed"));
  });
});

describe("Retry-After", () => {
  const now = Date.parse("2026-11-22T08:00:00Z");
  it("reads seconds and HTTP dates, and ignores what it cannot read", () => {
    expect(retryAfterMs("120", now)).toBe(120_000);
    expect(retryAfterMs(" 0 ", now)).toBe(0);
    expect(retryAfterMs("Sun, 22 Nov 2026 08:05:00 GMT", now)).toBe(300_000);
    expect(retryAfterMs("Sun, 22 Nov 2026 07:00:00 GMT", now)).toBe(0);
    expect(retryAfterMs("soon", now)).toBeUndefined();
    expect(retryAfterMs(null, now)).toBeUndefined();
  });
});
