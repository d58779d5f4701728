import { describe, expect, it } from "vitest";
import { UNANSWERED } from "../../durable-objects/status-page/outbox/claims.ts";
import {
  alertPage,
  failProviderNext,
  query,
  raise,
  receivedByProvider,
  rowsOf,
  runAlarm,
  settled,
  until,
} from "../helpers/workers/alert-pages.ts";

/**
 * Alert messages to real provider contracts (the local receivers of
 * test/helpers/node/alert-receivers/, which check every request against the
 * provider's documentation): PagerDuty's threads tie a grouped trigger to its
 * resolve (docs/decisions/0035), and Slack is never sent more than one
 * message a second, whatever the channel's window.
 */
const run = crypto.randomUUID().slice(0, 8);

/** What PagerDuty's receiver got under `scope`, as [event_action, dedup_key], every request within the contract. */
async function pagerdutyEvents(scope: string): Promise<[string, string][]> {
  const requests = await receivedByProvider("pagerduty", scope);
  expect(requests.flatMap((r) => r.violations)).toEqual([]);
  return requests.map((r) => {
    const event = JSON.parse(r.body) as { event_action: string; dedup_key: string };
    return [event.event_action, event.dedup_key];
  });
}

describe("threads and provider limits", { timeout: 40_000 }, () => {
  it("PagerDuty: a grouped trigger opens one incident; it is resolved only when its last alert recovers", async () => {
    const scope = `threads-${run}`;
    const page = await alertPage([{ id: "pd", groupSeconds: 0, provider: { name: "pagerduty", scope } }]);
    const [a, b] = await raise(page, "pd", 2, { direct: true });
    await runAlarm(page);
    const threads = await query(
      page,
      `SELECT alert_id, thread FROM alert_threads WHERE channel_id = 'pd' ORDER BY alert_id`,
    );
    expect(threads).toEqual(
      [
        { alert_id: a?.id, thread: a?.id },
        { alert_id: b?.id, thread: a?.id },
      ].sort((x, y) => String(x.alert_id).localeCompare(String(y.alert_id))),
    );

    // The first recovers while the other is still down: resolving the incident now would close both.
    await raise(page, "pd", 1, { direct: true, notice: "resolve", ids: [a?.id as string] });
    await runAlarm(page);
    const early = (await rowsOf(page, "pd")).find((r) => r.kind === "resolve");
    expect(early).toMatchObject({ kind: "resolve", state: "dropped" });
    expect(String(early?.last_error)).toContain("other open alerts");
    expect(await receivedByProvider("pagerduty", scope)).toHaveLength(1);

    // The last one recovers: the resolve goes, in the same thread.
    await raise(page, "pd", 1, { direct: true, notice: "resolve", ids: [b?.id as string] });
    await runAlarm(page);
    expect(await until(() => settled(page, "pd"))).toBe(true);
    expect(await pagerdutyEvents(scope)).toEqual([
      ["trigger", a?.id],
      ["resolve", a?.id],
    ]);
  });

  it("PagerDuty: a trigger whose answer never came (the object restarted) is closed by its alert's resolve", async () => {
    const scope = `unanswered-${run}`;
    const page = await alertPage([{ id: "pd", groupSeconds: 0, provider: { name: "pagerduty", scope } }]);
    // The trigger leaves; PagerDuty may have opened the incident, but no answer comes back.
    await failProviderNext("pagerduty", scope, { mode: "5xx", times: 1 });
    const [alert] = await raise(page, "pd", 1, { direct: true });
    await runAlarm(page);
    // As recoverClaims leaves a row whose send had no answer when the object went away.
    await query(page, `UPDATE outbox SET state = 'pending', last_error = ? WHERE kind = 'trigger'`, UNANSWERED);
    await raise(page, "pd", 1, { direct: true, notice: "resolve", ids: [alert?.id as string] });
    await runAlarm(page);
    expect(await until(() => settled(page, "pd"))).toBe(true);
    // The resolve closes the thread the trigger may have opened, not a thread of its own.
    expect(await pagerdutyEvents(scope)).toEqual([
      ["trigger", alert?.id],
      ["resolve", alert?.id],
    ]);
  });

  it("Slack: with no window, messages are still a second apart", async () => {
    const scope = `spacing-${run}`;
    const page = await alertPage([{ id: "slack", groupSeconds: 0, provider: { name: "slack", scope } }]);
    // Three alerts written a moment apart, each through the write path: the page's own alarm sends.
    for (let i = 0; i < 3; i++) {
      await raise(page, "slack", 1);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(await until(async () => (await rowsOf(page, "slack")).every((r) => r.state === "sent"))).toBe(true);
    const requests = await receivedByProvider("slack", scope);
    expect(requests.flatMap((r) => r.violations)).toEqual([]);
    expect(requests.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < requests.length; i++) {
      expect(Number(requests[i]?.at) - Number(requests[i - 1]?.at)).toBeGreaterThanOrEqual(1_000);
    }
  });
});
