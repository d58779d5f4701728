import { abortAllDurableObjects, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { queueOne } from "../../durable-objects/status-page/outbox/queue.ts";
import type { StatusPage } from "../../durable-objects/status-page/status-page.ts";
import { isAckMac } from "../../worker/core/alerting/ack-link.ts";
import type { MailServerAddresses, ReceivedMail } from "../helpers/target-addresses.ts";
import { LINK_SECRET_FOR_TESTS } from "../helpers/test-secrets.ts";
import {
  alertConfig,
  alertPage,
  channelState,
  query,
  raise,
  received,
  rowsOf,
  runAlarm,
  script,
  setFlag,
  settled,
  until,
} from "../helpers/workers/alert-pages.ts";

/**
 * Alert notices leave the outbox grouped per channel and window
 * (durable-objects/status-page/alert-deliveries.ts, docs/decisions/0035):
 * against a real receiver on loopback that checks every signature, counting
 * the requests it got.
 */
const mailServers = (env as unknown as { MAIL_SERVERS: MailServerAddresses }).MAIL_SERVERS;

describe("alert deliveries", { timeout: 40_000 }, () => {
  it("one notice is one request, sent within the same alarm run, with its links", async () => {
    const page = await alertPage([{ id: "one" }]);
    const [alert] = await raise(page, "one", 1, { direct: true });
    await runAlarm(page);
    const hooks = await received("one");
    expect(hooks).toHaveLength(1);
    const payload = hooks[0]?.payload;
    expect(payload).toMatchObject({ type: "lookout.alerts", channel: "one", thread: alert?.id });
    expect(payload?.notices).toHaveLength(1);
    const notice = payload?.notices[0];
    expect(notice).toMatchObject({ alertId: alert?.id, notice: "trigger", title: alert?.title });
    expect(notice?.links.componentPage).toBe("https://status.test/components/api");
    // The signed acknowledgement link: this alert's, under LINK_SECRET.
    const ack = /^https:\/\/status\.test\/alerts\/([^/]+)\/ack\/([^/]+)$/.exec(notice?.links.acknowledge ?? "");
    expect(ack?.[1]).toBe(alert?.id);
    expect(await isAckMac(LINK_SECRET_FOR_TESTS, alert?.id as string, ack?.[2] ?? "")).toBe(true);
    expect((await rowsOf(page, "one")).map((r) => r.state)).toEqual(["sent"]);
    const state = await channelState(page, "one");
    expect(state).toMatchObject({ failures_in_a_row: 0, last_failure: null });
    // The default 30 s window opens with the message: what comes next waits for it.
    expect(Number(state.next_send_at) - Number(state.last_success_at)).toBe(30_000);
  });

  it("a notice written through the page's write path leaves by the page's own alarm", async () => {
    const page = await alertPage([{ id: "own" }]);
    const written = Date.now();
    await raise(page, "own", 1);
    expect(await until(async () => (await received("own")).length === 1)).toBe(true);
    const [hook] = await received("own");
    console.info(`alert.first_request_after_ms ${Number(hook?.at) - written}`);
  });

  it("200 notices queued at once for one channel are one message listing them all", async () => {
    const page = await alertPage([{ id: "storm" }]);
    const alerts = await raise(page, "storm", 200, { direct: true });
    await runAlarm(page);
    expect(await until(() => settled(page, "storm"))).toBe(true);
    const hooks = await received("storm");
    expect(hooks).toHaveLength(1);
    expect(hooks[0]?.payload.notices.map((n) => n.alertId).sort()).toEqual(alerts.map((a) => a.id).sort());
    // And nothing more comes of them.
    await runAlarm(page);
    expect(await received("storm")).toHaveLength(1);
  });

  it("a storm arriving over 10 s at the default 30 s window is two messages, each alert in one", async () => {
    const page = await alertPage([{ id: "wave" }]);
    const alerts = [];
    // 100 alerts, 10 every second for 10 s, each batch through the write path (the page's own alarm sends).
    for (let second = 0; second < 10; second++) {
      alerts.push(...(await raise(page, "wave", 10)));
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    expect(await until(async () => (await received("wave")).length >= 1)).toBe(true);
    const [first] = await received("wave");
    const state = await channelState(page, "wave");
    // The rest wait for the window, which opened when the first message was answered.
    expect(Number(state.next_send_at)).toBeGreaterThanOrEqual(Number(first?.at) + 30_000 - 1_000);
    expect(await received("wave")).toHaveLength(1);
    // The window's end, brought forward rather than waited for.
    await query(page, `UPDATE alert_channels SET next_send_at = ? WHERE id = 'wave'`, Date.now());
    await runAlarm(page);
    expect(await until(() => settled(page, "wave"))).toBe(true);
    const hooks = await received("wave");
    expect(hooks).toHaveLength(2);
    const listed = hooks.flatMap((h) => h.payload.notices.map((n) => n.alertId));
    expect(listed.sort()).toEqual(alerts.map((a) => a.id).sort());
  });

  it("with the alerting flag off nothing is sent and nothing lost; on again, each notice is sent once", async () => {
    const page = await alertPage([{ id: "flag" }]);
    await setFlag(page, "alerting", false);
    const alerts = await raise(page, "flag", 3);
    await runAlarm(page);
    expect(await received("flag")).toHaveLength(0);
    expect((await rowsOf(page, "flag")).map((r) => r.state)).toEqual(["pending", "pending", "pending"]);
    // Closed, the alerts job asks for no alarm of its own.
    await setFlag(page, "alerting", true);
    await runAlarm(page);
    expect(await until(() => settled(page, "flag"))).toBe(true);
    await runAlarm(page);
    const hooks = await received("flag");
    expect(hooks).toHaveLength(1);
    expect(hooks[0]?.payload.notices.map((n) => n.alertId).sort()).toEqual(alerts.map((a) => a.id).sort());
  });

  it("a held channel keeps its notices; lifting the hold sends them once, and other channels flow meanwhile", async () => {
    const page = await alertPage([{ id: "held" }, { id: "free" }]);
    await query(
      page,
      `INSERT INTO delivery_holds (kind, target, created_at, created_by) VALUES ('channel', 'held', ?, 'test')`,
      Date.now(),
    );
    await raise(page, "held", 2, { direct: true });
    await raise(page, "free", 1, { direct: true });
    await runAlarm(page);
    expect(await received("held")).toHaveLength(0);
    expect(await received("free")).toHaveLength(1);
    expect((await rowsOf(page, "held")).map((r) => r.state)).toEqual(["pending", "pending"]);
    await query(page, `DELETE FROM delivery_holds WHERE kind = 'channel' AND target = 'held'`);
    await runAlarm(page);
    expect(await until(() => settled(page, "held"))).toBe(true);
    await runAlarm(page);
    const hooks = await received("held");
    expect(hooks).toHaveLength(1);
    expect(hooks[0]?.payload.notices).toHaveLength(2);
  });

  it("a crash mid-send: after the restart each notice is delivered once, what was answered is not sent again", async () => {
    const channels = [{ id: "answered" }, { id: "cut" }];
    const before = await alertPage(channels);
    let page = before;
    // The first request to `cut` is taken and never answered: the object dies while it waits.
    await script("cut", [{ status: 0 }]);
    await raise(page, "answered", 2, { direct: true });
    const cut = await raise(page, "cut", 3, { direct: true });
    // The alarm starts inside the object and is left running: the crash ends it.
    await runInDurableObject(page, (instance: StatusPage) => {
      void instance.alarm().catch(() => undefined);
    });
    expect(
      await until(async () => (await received("cut")).length === 1 && (await received("answered")).length === 1),
    ).toBe(true);
    expect(await until(async () => (await rowsOf(page, "answered")).every((r) => r.state === "sent"))).toBe(true);
    // Closed for the restart: a scratch page comes back with the deployed config (no channels) until the test's is applied again.
    await setFlag(page, "alerting", false);
    await abortAllDurableObjects();
    // A stub made before the crash is broken with it: a new one reaches the object as it comes back.
    page = env.STATUS_PAGE.get(before.id);
    await page.reconcile(alertConfig(channels));
    expect((await rowsOf(page, "cut")).map((r) => r.state)).toEqual(["pending", "pending", "pending"]);
    await setFlag(page, "alerting", true);
    await runAlarm(page);
    expect(await until(async () => (await received("cut")).length === 2)).toBe(true);
    expect(await until(() => settled(page, "cut"))).toBe(true);
    await runAlarm(page);
    const hooks = await received("cut");
    expect(hooks).toHaveLength(2);
    // The same webhook-id both times: a receiver that drops duplicates by it shows each notice once.
    expect(hooks[1]?.headers["webhook-id"]).toBe(hooks[0]?.headers["webhook-id"]);
    expect(hooks[1]?.payload.notices.map((n) => n.alertId).sort()).toEqual(cut.map((a) => a.id).sort());
    expect(await received("answered")).toHaveLength(1);
    expect((await rowsOf(page, "cut")).map((r) => r.state)).toEqual(["sent", "sent", "sent"]);
  });

  it("an alert that cannot be read fails alone: the rest of its message goes", async () => {
    const page = await alertPage([{ id: "partial" }]);
    const [bad, good] = await raise(page, "partial", 2, { direct: true });
    await query(page, `UPDATE alerts SET details = '{not json' WHERE id = ?`, bad?.id as string);
    await runAlarm(page);
    const hooks = await received("partial");
    expect(hooks.map((h) => h.payload.notices.map((n) => n.alertId))).toEqual([[good?.id]]);
    const rows = await rowsOf(page, "partial");
    expect(rows.map((r) => [r.ref, r.state, r.last_error])).toEqual([
      [bad?.id, "failed", "could not read the alert"],
      [good?.id, "sent", null],
    ]);
  });

  it("a test notice pages nobody: no acknowledgement link, no alert behind it", async () => {
    const page = await alertPage([{ id: "probe" }]);
    await raise(page, "probe", 1, { direct: true, notice: "test" });
    await runAlarm(page);
    const [hook] = await received("probe");
    expect(hook?.payload.notices).toHaveLength(1);
    expect(hook?.payload.notices[0]).toMatchObject({
      notice: "test",
      title: "Test alert from Alerts",
      links: { acknowledge: null, componentPage: null, incident: null },
    });
    expect((await rowsOf(page, "probe")).map((r) => r.state)).toEqual(["sent"]);
  });

  it("an email channel gets one mail listing the notices, through the page's mail sender", async () => {
    const to = `oncall.${crypto.randomUUID().slice(0, 8)}@example.com`;
    const page = await alertPage([{ id: "mail", email: to }]);
    const alerts = await raise(page, "mail", 3, { direct: true });
    await runAlarm(page);
    expect(await until(() => settled(page, "mail"))).toBe(true);
    const mails = (await (
      await fetch(`${mailServers.http}/messages?to=${encodeURIComponent(to)}`)
    ).json()) as ReceivedMail[];
    expect(mails).toHaveLength(1);
    // Rendered by worker/core/alerting/alert-mail.ts: one mail, every notice in it.
    expect(mails[0]?.subject).toMatch(/^\[Lookout\] /);
    for (const alert of alerts) expect(mails[0]?.text).toContain(alert.title);
    expect((await rowsOf(page, "mail")).map((r) => r.state)).toEqual(["sent", "sent", "sent"]);
  });

  it("a resolve is in its alert's thread: the first notice's alert for a generic webhook", async () => {
    const page = await alertPage([{ id: "thread", groupSeconds: 0 }]);
    const [a, b] = await raise(page, "thread", 2, { direct: true });
    await runAlarm(page);
    await raise(page, "thread", 1, { direct: true, notice: "resolve", ids: [b?.id as string] });
    await runAlarm(page);
    expect(await until(() => settled(page, "thread"))).toBe(true);
    const hooks = await received("thread");
    expect(hooks.map((h) => h.payload.thread)).toEqual([a?.id, b?.id]);
    // No acknowledgement link once it has recovered.
    expect(hooks[1]?.payload.notices[0]).toMatchObject({ notice: "resolve", links: { acknowledge: null } });
  });

  it("each message has its own webhook-id: reminders of one alert minutes apart are not duplicates", async () => {
    const page = await alertPage([{ id: "ids", groupSeconds: 0 }]);
    const [a] = await raise(page, "ids", 1, { direct: true });
    await runAlarm(page);
    for (const n of [0, 1]) {
      await remind(page, "ids", a?.id as string, n);
      await query(page, `UPDATE alert_channels SET next_send_at = 0`);
      await runAlarm(page);
    }
    const hooks = await received("ids");
    expect(hooks.map((h) => h.payload.notices.map((x) => x.notice).join("+"))).toEqual([
      "trigger",
      "reminder",
      "reminder",
    ]);
    expect(new Set(hooks.map((h) => h.headers["webhook-id"])).size).toBe(3);
  });

  it("reminders piled up while the flag was off: the message lists the alert once, every row settled with it", async () => {
    const page = await alertPage([{ id: "pile", groupSeconds: 0 }]);
    await setFlag(page, "alerting", false);
    const [a, b] = await raise(page, "pile", 2, { direct: true });
    for (const n of [0, 1, 2]) await remind(page, "pile", a?.id as string, n);
    await setFlag(page, "alerting", true);
    await runAlarm(page);
    const hooks = await received("pile");
    expect(hooks).toHaveLength(1);
    const notices = hooks[0]?.payload.notices ?? [];
    expect(notices.map((n) => n.alertId).sort()).toEqual([a?.id, b?.id].sort());
    // The latest word on each alert: the third reminder, not the trigger it repeats.
    expect(notices.find((n) => n.alertId === a?.id)?.notice).toBe("reminder");
    expect((await rowsOf(page, "pile")).map((r) => r.state)).toEqual(["sent", "sent", "sent", "sent", "sent"]);
  });
});

/** Queues reminder `n` of an alert to a channel, as the escalation does minutes apart. */
function remind(page: Awaited<ReturnType<typeof alertPage>>, channel: string, alertId: string, n: number) {
  return runInDurableObject(page, (_: StatusPage, state) =>
    queueOne(
      state.storage.sql,
      "alert",
      channel,
      { dedupeKey: `${alertId}:reminder:${n}`, kind: "reminder", ref: alertId },
      Date.now(),
    ),
  );
}
