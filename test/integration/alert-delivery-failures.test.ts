import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { UNANSWERED } from "../../durable-objects/status-page/outbox/claims.ts";
import { queueOne } from "../../durable-objects/status-page/outbox/queue.ts";
import type { StatusPage } from "../../durable-objects/status-page/status-page.ts";
import { alertRetryDelayMs } from "../../worker/core/alerting/retry.ts";
import {
  alertPage,
  channelState,
  query,
  raise,
  received,
  rowsOf,
  runAlarm,
  script,
  settled,
  until,
} from "../helpers/workers/alert-pages.ts";

/**
 * How alert channels fail, against a real receiver on loopback scripted to
 * answer as providers do (docs/reference/alerting-providers.md): a 429 with
 * Retry-After or a JSON retry_after holds the channel that long; a 5xx is
 * retried on the alert schedule; a 4xx is the config's fault and says so on
 * the channel's health; a missing secret is named; a provider that hangs
 * holds up only its own channel (WEBHOOK_TIMEOUT_SECONDS is 3 in the tests).
 */
describe("alert channels that fail", { timeout: 40_000 }, () => {
  it("a 429 with Retry-After: nothing goes before that time, then it is delivered", async () => {
    const page = await alertPage([{ id: "limited", groupSeconds: 0 }]);
    await script("limited", [{ status: 429, headers: { "retry-after": "6" }, body: "rate_limited" }]);
    const [alert] = await raise(page, "limited", 1, { direct: true });
    await runAlarm(page);
    const [row] = await rowsOf(page, "limited");
    const state = await channelState(page, "limited");
    const settledAt = Number(state.last_failure_at);
    expect(row).toMatchObject({ state: "pending", attempts: 1 });
    // Longer than the schedule's first wait (alertRetryDelayMs(1, 1)): the provider's word decides.
    expect(Number(row?.next_attempt_at)).toBeGreaterThanOrEqual(settledAt + 6_000);
    expect(Number(state.next_send_at)).toBeGreaterThanOrEqual(settledAt + 6_000);
    expect(state).toMatchObject({ failures_in_a_row: 1, last_failure: "HTTP 429: rate_limited" });
    // The page's own alarm delivers it once the wait is over.
    expect(await until(async () => (await received("limited")).length === 2)).toBe(true);
    const [refused, delivered] = await received("limited");
    expect(refused?.status).toBe(429);
    expect(Number(delivered?.at)).toBeGreaterThanOrEqual(settledAt + 6_000);
    expect(delivered?.payload.notices.map((n) => n.alertId)).toEqual([alert?.id]);
    expect(await until(() => settled(page, "limited"))).toBe(true);
    expect(await channelState(page, "limited")).toMatchObject({ failures_in_a_row: 0 });
  });

  it("a 429 whose JSON says retry_after (Discord's, Telegram's): held that long", async () => {
    const page = await alertPage([
      { id: "discordish", groupSeconds: 0 },
      { id: "telegramish", groupSeconds: 0 },
    ]);
    const json = { "content-type": "application/json" };
    await script("discordish", [{ status: 429, headers: json, body: '{"retry_after": 6.5, "global": false}' }]);
    await script("telegramish", [
      { status: 429, headers: json, body: '{"ok": false, "error_code": 429, "parameters": {"retry_after": 6}}' },
    ]);
    await raise(page, "discordish", 1, { direct: true });
    await raise(page, "telegramish", 1, { direct: true });
    await runAlarm(page);
    for (const [channel, asked] of [
      ["discordish", 6_500],
      ["telegramish", 6_000],
    ] as const) {
      expect(await until(async () => (await received(channel)).length === 2, 20_000)).toBe(true);
      const [first, second] = await received(channel);
      expect([first?.status, second?.status]).toEqual([429, 204]);
      // At least what the provider asked, on the receiver's own clock.
      expect(Number(second?.at) - Number(first?.at), channel).toBeGreaterThanOrEqual(asked);
    }
  });

  it("a 5xx is retried after the schedule's first wait, then delivered", async () => {
    const page = await alertPage([{ id: "flaky", groupSeconds: 0 }]);
    await script("flaky", [{ status: 503, body: "upstream busy" }]);
    await raise(page, "flaky", 1, { direct: true });
    await runAlarm(page);
    const [row] = await rowsOf(page, "flaky");
    const failedAt = Number((await channelState(page, "flaky")).last_failure_at);
    const wait = Number(row?.next_attempt_at) - failedAt;
    expect(wait).toBeGreaterThanOrEqual(alertRetryDelayMs(1, 0));
    expect(wait).toBeLessThanOrEqual(alertRetryDelayMs(1, 1));
    expect(row).toMatchObject({ state: "pending", last_error: "HTTP 503: upstream busy" });
    expect(await until(async () => (await received("flaky")).length === 2)).toBe(true);
    const [first, second] = await received("flaky");
    expect(Number(second?.at) - Number(first?.at)).toBeGreaterThanOrEqual(alertRetryDelayMs(1, 0));
    expect(await until(() => settled(page, "flaky"))).toBe(true);
    expect((await rowsOf(page, "flaky")).map((r) => r.state)).toEqual(["sent"]);
  });

  it("a 400 is permanent: not retried, and the channel's health says why", async () => {
    const page = await alertPage([{ id: "broken" }]);
    await script("broken", [{ status: 400, body: "invalid_payload" }]);
    await raise(page, "broken", 2, { direct: true });
    await runAlarm(page);
    await runAlarm(page);
    expect(await received("broken")).toHaveLength(1);
    expect((await rowsOf(page, "broken")).map((r) => r.state)).toEqual(["failed", "failed"]);
    const state = await channelState(page, "broken");
    expect(state).toMatchObject({
      failures_in_a_row: 1,
      last_failure: "HTTP 400: invalid_payload",
      last_success_at: null,
    });
  });

  it("a secret that is not set: no request, the channel's health names it (and never a URL)", async () => {
    const page = await alertPage([{ id: "nosecret", noSecret: true }]);
    await raise(page, "nosecret", 1, { direct: true });
    await runAlarm(page);
    expect(await received("nosecret")).toHaveLength(0);
    const state = await channelState(page, "nosecret");
    expect(String(state.last_failure)).toMatch(/^secret ALERT_URL_NOSECRET_[A-Z0-9]+ is not set$/);
    expect((await rowsOf(page, "nosecret")).map((r) => r.state)).toEqual(["failed"]);
  });

  it("a provider that hangs holds up no other channel, not even a notice that comes while it hangs", async () => {
    const page = await alertPage([{ id: "stuck" }, { id: "quick", groupSeconds: 0 }]);
    await script("stuck", [{ status: 0 }]);
    // Through the write path: the page's own alarm sends, as in production.
    await raise(page, "stuck", 1);
    expect(await until(async () => (await received("stuck")).length === 1)).toBe(true);
    await raise(page, "quick", 1);
    // The other channel's message is delivered and settled while the first still waits for its answer.
    expect(await until(async () => (await rowsOf(page, "quick"))[0]?.state === "sent")).toBe(true);
    expect((await rowsOf(page, "stuck"))[0]?.state).toBe("sending");
    // The hanging one is given up on at its timeout, by the run that left it, and retried later.
    expect(await until(async () => (await rowsOf(page, "stuck"))[0]?.state === "pending")).toBe(true);
    expect((await rowsOf(page, "stuck"))[0]).toMatchObject({ last_error: "no answer within 3 s" });
    expect(await channelState(page, "stuck")).toMatchObject({
      failures_in_a_row: 1,
      last_failure: "no answer within 3 s",
    });
  });
});

/** Makes a channel's waiting notices due now, as their retry time passing would. */
async function dueNow(page: Awaited<ReturnType<typeof alertPage>>): Promise<void> {
  await query(page, `UPDATE outbox SET next_attempt_at = 0 WHERE channel = 'alert' AND state = 'pending'`);
  await query(page, `UPDATE alert_channels SET next_send_at = 0`);
}

describe("notices that are out of date by the time they can go", { timeout: 40_000 }, () => {
  it("a page retrying after a 503 is not sent once the alert is acknowledged: dropped, saying why", async () => {
    const page = await alertPage([{ id: "acked", groupSeconds: 0 }]);
    await script("acked", [{ status: 503, body: "busy" }]);
    const [alert] = await raise(page, "acked", 1, { direct: true });
    await runAlarm(page);
    expect((await page.acknowledgeAlertByLink(alert?.id as string)).outcome).toBe("acknowledged");
    await dueNow(page);
    await runAlarm(page);
    expect(await received("acked")).toHaveLength(1);
    const [row] = await rowsOf(page, "acked");
    expect(row).toMatchObject({ kind: "trigger", state: "dropped" });
    expect(String(row?.last_error)).toContain("acknowledged");
  });

  it("a trigger that never reached a chat channel and its resolve are both dropped: no lone 'recovered'", async () => {
    const page = await alertPage([{ id: "chat", groupSeconds: 0 }]);
    await script("chat", [{ status: 503, body: "busy" }]);
    const [alert] = await raise(page, "chat", 1, { direct: true });
    await runAlarm(page);
    await raise(page, "chat", 1, { notice: "resolve", ids: [alert?.id as string], direct: true });
    await runAlarm(page);
    await dueNow(page);
    await runAlarm(page);
    expect((await received("chat")).map((r) => r.status)).toEqual([503]);
    const rows = await rowsOf(page, "chat");
    expect(rows.map((r) => `${r.kind}:${r.state}`)).toEqual(["trigger:dropped", "resolve:dropped"]);
    expect(String(rows[1]?.last_error)).toContain("no trigger about it reached this channel");
  });

  it("a reminder retrying when its alert resolves is dropped; the resolve goes after the trigger that went", async () => {
    const page = await alertPage([{ id: "later", groupSeconds: 0 }]);
    const [alert] = await raise(page, "later", 1, { direct: true });
    await runAlarm(page);
    await script("later", [{ status: 503, body: "busy" }]);
    await runInDurableObject(page, (_: StatusPage, state) =>
      queueOne(
        state.storage.sql,
        "alert",
        "later",
        { dedupeKey: `${alert?.id}:reminder:0`, kind: "reminder", ref: alert?.id as string },
        Date.now(),
      ),
    );
    await runAlarm(page);
    await raise(page, "later", 1, { notice: "resolve", ids: [alert?.id as string], direct: true });
    await runAlarm(page);
    const got = await received("later");
    expect(got.map((r) => `${r.status} ${r.payload.notices.map((n) => n.notice).join("+")}`)).toEqual([
      "204 trigger",
      "503 reminder",
      "204 resolve",
    ]);
    expect((await rowsOf(page, "later")).map((r) => `${r.kind}:${r.state}`)).toEqual([
      "trigger:sent",
      "reminder:dropped",
      "resolve:sent",
    ]);
  });

  it("a resolve waiting for a trigger still being sent waits until that claim ends, not a second", async () => {
    const page = await alertPage([{ id: "pd", groupSeconds: 0, provider: { name: "pagerduty", scope: "wait" } }]);
    const [alert] = await raise(page, "pd", 1, { direct: true });
    // Another invocation claimed the trigger and has not answered yet (its lease runs for a minute more).
    const leaseEnd = Date.now() + 60_000;
    await query(page, `UPDATE outbox SET state = 'sending', attempts = 1, next_attempt_at = ?`, leaseEnd);
    await raise(page, "pd", 1, { notice: "resolve", ids: [alert?.id as string], direct: true });
    await runInDurableObject(page, (instance: StatusPage) => instance.alarm());
    const resolve = (await rowsOf(page, "pd")).find((r) => r.kind === "resolve");
    expect(resolve).toMatchObject({ state: "pending", attempts: 0 });
    expect(Number(resolve?.next_attempt_at)).toBeGreaterThanOrEqual(leaseEnd);
  });

  it("a trigger in flight when the object restarted may have arrived: once its alert resolves, the resolve goes", async () => {
    const page = await alertPage([{ id: "restarted", groupSeconds: 0 }]);
    const [alert] = await raise(page, "restarted", 1, { direct: true });
    // As recoverClaims leaves a row whose send had no answer when the object went away.
    await query(page, `UPDATE outbox SET state = 'pending', attempts = 1, last_error = ?`, UNANSWERED);
    await raise(page, "restarted", 1, { notice: "resolve", ids: [alert?.id as string], direct: true });
    await runAlarm(page);
    expect((await received("restarted")).map((r) => r.payload.notices.map((n) => n.notice).join("+"))).toEqual([
      "resolve",
    ]);
    expect((await rowsOf(page, "restarted")).map((r) => `${r.kind}:${r.state}`)).toEqual([
      "trigger:dropped",
      "resolve:sent",
    ]);
  });
});
