import { describe, expect, it } from "vitest";
import { ALERTS } from "../../../durable-objects/status-page/jobs/settings.ts";
import { ALERT_MAX_ATTEMPTS, ALERT_RETRY_SPAN_MS, alertRetryDelayMs } from "../../../worker/core/alerting/retry.ts";

/** The alert retry schedule (worker/core/alerting/retry.ts): seconds first, then minutes, a few hours in all. */
describe("alert retries", () => {
  it("wait seconds at first, minutes later, never less than the one before", () => {
    const tops = Array.from({ length: ALERT_MAX_ATTEMPTS - 1 }, (_, i) => alertRetryDelayMs(i + 1, 1));
    expect(tops[0]).toBeLessThanOrEqual(10_000);
    expect(tops.at(-1)).toBeGreaterThanOrEqual(30 * 60_000);
    for (let i = 1; i < tops.length; i++) expect(tops[i]).toBeGreaterThanOrEqual(tops[i - 1] as number);
  });

  it("are jittered within the upper half of each wait", () => {
    for (let attempt = 1; attempt < ALERT_MAX_ATTEMPTS; attempt++) {
      const top = alertRetryDelayMs(attempt, 1);
      expect(alertRetryDelayMs(attempt, 0)).toBe(top / 2);
      expect(alertRetryDelayMs(attempt, 0.5)).toBe(Math.round(top * 0.75));
    }
  });

  it("last a few hours in all, not days, and are the alert channel's schedule", () => {
    expect(ALERT_RETRY_SPAN_MS).toBeGreaterThanOrEqual(2 * 3_600_000);
    expect(ALERT_RETRY_SPAN_MS).toBeLessThanOrEqual(6 * 3_600_000);
    expect(ALERTS.retry.maxAttempts).toBe(ALERT_MAX_ATTEMPTS);
    expect(ALERTS.retry.delayMs(3, 0.25)).toBe(alertRetryDelayMs(3, 0.25));
  });

  it("stay at the last wait past the schedule's end", () => {
    expect(alertRetryDelayMs(ALERT_MAX_ATTEMPTS + 5, 1)).toBe(alertRetryDelayMs(ALERT_MAX_ATTEMPTS - 1, 1));
  });
});
