import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { Webhook } from "standardwebhooks";
import { expect } from "vitest";
import { writeOverride } from "../../../durable-objects/status-page/flag-overrides.ts";
import { queueOne } from "../../../durable-objects/status-page/outbox/queue.ts";
import { WRITE } from "../../../durable-objects/status-page/page-write.ts";
import type { StatusPage } from "../../../durable-objects/status-page/status-page.ts";
import { defineConfig } from "../../../worker/config/define-config.ts";
import type { AlertDetails } from "../../../worker/core/alerting/alert.ts";
import type { NoticeKind } from "../../../worker/core/alerting/message.ts";
import { channelFor, type HttpChannel } from "../alert-channels.ts";
import type {
  AlertProvider,
  AlertReceiverAddresses,
  ReceivedAlertRequest,
  ReceiverFailure,
} from "../node/alert-receivers/addresses.ts";
import { failNext, receivedBy } from "../node/alert-receivers/client.ts";
import type { ReceivedWebhook } from "../target-addresses.ts";
import { scratchObject } from "./worker.ts";

/**
 * A page of its own per alert delivery test (a scratch StatusPage object with
 * the `alerting` flag on there), generic webhook channels pointed at the real
 * receiver on loopback (test/helpers/node/webhook-receiver.ts), their secrets
 * put in the environment by name as `wrangler secret put` would, and alerts
 * with their notices written the way the alert lifecycle writes them: rows in
 * the outbox, in the alert's transaction.
 */
export type Page = DurableObjectStub<StatusPage>;
const receiver = (env as unknown as { WEBHOOK_RECEIVER: string }).WEBHOOK_RECEIVER;
const run = crypto.randomUUID().slice(0, 8);
const secrets = env as unknown as Record<string, string>;
/** The channels' signing secret (a Standard Webhooks `whsec_`), as a receiver would hold it. */
export const SIGNING = `whsec_${btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(24))))}`;
const SIGNING_NAME = `ALERT_SIGNING_${run.toUpperCase()}`;
secrets[SIGNING_NAME] = SIGNING;
let pages = 0;

/** The receiver's name for a channel's URL: this run's own, so nothing else posts there. */
export const hookName = (channel: string) => `alert-${channel}-${run}`;
const urlSecret = (channel: string) =>
  `ALERT_URL_${channel.toUpperCase().replace(/[^A-Z0-9]/g, "_")}_${run.toUpperCase()}`;

export interface TestChannel {
  id: string;
  groupSeconds?: number;
  /** Leave its URL secret unset. */
  noSecret?: boolean;
  /** An email channel to this address instead of a webhook. */
  email?: string;
  /** A channel of this provider's kind, pointed at its local receiver (test/helpers/alert-channels.ts) under `scope`. */
  provider?: { name: AlertProvider; scope: string };
}

const alertReceivers = (env as unknown as { ALERT_RECEIVERS: AlertReceiverAddresses }).ALERT_RECEIVERS;

/** A provider channel with this run's own secret names (set in the environment here), so no other file's collide. */
function providerChannel(id: string, provider: AlertProvider, scope: string, groupSeconds?: number) {
  const { channel, secrets: values } = channelFor(provider, alertReceivers, scope);
  const renamed: Record<string, unknown> = { ...channel, id };
  for (const [field, name] of Object.entries(channel)) {
    if (!field.endsWith("Secret") || typeof name !== "string") continue;
    renamed[field] = `${name}_${run.toUpperCase()}`;
    secrets[`${name}_${run.toUpperCase()}`] = values[name] as string;
  }
  if (groupSeconds !== undefined) renamed.groupSeconds = groupSeconds;
  return renamed as unknown as HttpChannel;
}

/** The provider's receiver answers the next requests under `scope` with this failure. */
export function failProviderNext(provider: AlertProvider, scope: string, failure: ReceiverFailure): Promise<void> {
  return failNext(alertReceivers[provider], scope, failure);
}

/** What a provider's receiver got under `scope`, oldest first. */
export function receivedByProvider(provider: AlertProvider, scope: string): Promise<ReceivedAlertRequest[]> {
  return receivedBy(alertReceivers[provider], scope);
}

/** A fresh page whose config declares these webhook channels, alerting on there. */
export async function alertPage(channels: readonly TestChannel[]): Promise<Page> {
  const page = scratchObject(`alerts-${run}-${++pages}`);
  for (const channel of channels) {
    if (!channel.noSecret) secrets[urlSecret(channel.id)] = `${receiver}/hooks/${hookName(channel.id)}`;
  }
  await runInDurableObject(page, (_: StatusPage, state) =>
    writeOverride(state.storage.sql, "alerting", true, "test", Date.now()),
  );
  await page.reconcile(alertConfig(channels));
  return page;
}

/**
 * The test page's config. A scratch object applies the deployed config each
 * time it starts (it has no channels): a test that restarts it applies this again.
 */
export function alertConfig(channels: readonly TestChannel[]) {
  return defineConfig({
    page: { name: "Alerts", url: "https://status.alerts.test" },
    components: [
      { id: "api", name: "API" },
      { id: "web", name: "Website" },
    ],
    alerting: {
      channels: channels.map((c) =>
        c.provider
          ? providerChannel(c.id, c.provider.name, c.provider.scope, c.groupSeconds)
          : {
              id: c.id,
              ...(c.email
                ? { kind: "email" as const, to: c.email }
                : { kind: "webhook" as const, urlSecret: urlSecret(c.id), signingSecret: SIGNING_NAME }),
              ...(c.groupSeconds === undefined ? {} : { groupSeconds: c.groupSeconds }),
            },
      ),
    },
  });
}

/** Sets a run-time flag on the page, as the API would. */
export function setFlag(page: Page, name: "alerting", value: boolean): Promise<void> {
  return runInDurableObject(page, (_: StatusPage, state) =>
    writeOverride(state.storage.sql, name, value, "test", Date.now()),
  );
}

export interface RaisedAlert {
  id: string;
  title: string;
}

/**
 * Opens `count` alerts and queues a notice of each to `channel`, in one
 * transaction through the page's write path (so its alarm is woken as a real
 * alert's would be). `direct` writes without waking the alarm: the test runs it.
 */
export async function raise(
  page: Page,
  channel: string,
  count: number,
  options: { notice?: NoticeKind; ids?: string[]; direct?: boolean; resolved?: boolean } = {},
): Promise<RaisedAlert[]> {
  const notice = options.notice ?? "trigger";
  const change = (sql: SqlStorage, now: number) => {
    const made: RaisedAlert[] = [];
    if (notice === "test") {
      // A test notice is about no alert (ref null), as `POST …/test` queues it.
      for (let i = 0; i < count; i++) {
        queueOne(sql, "alert", channel, { dedupeKey: `test:${now + i}`, kind: "test", ref: null }, now);
        made.push({ id: `test:${now + i}`, title: "test" });
      }
      return made;
    }
    for (let i = 0; i < count; i++) {
      const id = options.ids?.[i] ?? `al${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
      const title = `Monitor ${id} is down`;
      const details: AlertDetails = {
        summary: "HTTP 503 from https://api.acme.example/health",
        monitorId: `m-${id}`,
        components: [{ id: "api", name: "API" }],
        regions: [],
        firstFailingCheckAt: new Date(now - 30_000).toISOString(),
        incidentId: null,
        incidentPublic: false,
      };
      const resolved = options.resolved ?? notice === "resolve";
      sql.exec(
        `INSERT INTO alerts (id, key, kind, severity, title, details, policy, status, opened_at, resolved_at)
         VALUES (?, ?, 'monitor_down', 'critical', ?, ?, NULL, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET status = excluded.status, resolved_at = excluded.resolved_at`,
        id,
        `monitor:${id}`,
        title,
        JSON.stringify(details),
        resolved ? "resolved" : "open",
        now - 30_000,
        resolved ? now : null,
      );
      const dedupeKey = notice === "resolve" ? `${id}:resolve` : `${id}:step:0`;
      queueOne(sql, "alert", channel, { dedupeKey, kind: notice, ref: id }, now);
      made.push({ id, title });
    }
    return made;
  };
  return runInDurableObject(page, (instance: StatusPage, state) =>
    options.direct
      ? state.storage.transactionSync(() => change(state.storage.sql, Date.now()))
      : instance[WRITE](change, () => false),
  );
}

/**
 * Runs the page's alarm to its end, inside the object, then waits until no
 * notice is in flight: the page's own alarm may have been running already
 * (a channel it is sending to is skipped by this run), and what a test reads
 * next must be that run's outcome too.
 */
export async function runAlarm(page: Page): Promise<void> {
  await runInDurableObject(page, (instance: StatusPage) => instance.alarm());
  await until(async () => {
    const [row] = await query(page, `SELECT COUNT(*) AS n FROM outbox WHERE channel = 'alert' AND state = 'sending'`);
    return Number(row?.n) === 0;
  });
}

type Row = Record<string, SqlStorageValue>;
export function query(page: Page, sql: string, ...params: SqlStorageValue[]): Promise<Row[]> {
  return runInDurableObject(page, (_: StatusPage, state) => state.storage.sql.exec<Row>(sql, ...params).toArray());
}

export async function channelState(page: Page, channel: string): Promise<Row> {
  const [row] = await query(page, `SELECT * FROM alert_channels WHERE id = ?`, channel);
  expect(row, `channel ${channel}`).toBeDefined();
  return row as Row;
}

export const rowsOf = (page: Page, channel: string) =>
  query(
    page,
    `SELECT seq, ref, kind, state, attempts, next_attempt_at, last_error FROM outbox
     WHERE channel = 'alert' AND recipient = ? ORDER BY seq`,
    channel,
  );

export interface AlertPayload {
  type: string;
  channel: string;
  thread: string;
  page: { name: string; url: string };
  notices: {
    alertId: string;
    notice: string;
    title: string;
    links: { componentPage: string | null; incident: string | null; acknowledge: string | null };
  }[];
}

/** What a channel's receiver got, oldest first, each signature checked as a receiver would. */
export async function received(channel: string): Promise<(ReceivedWebhook & { payload: AlertPayload })[]> {
  const all = (await (await fetch(`${receiver}/received/${hookName(channel)}`)).json()) as ReceivedWebhook[];
  const verifier = new Webhook(SIGNING);
  return all.map((hook) => ({ ...hook, payload: verifier.verify(hook.body, hook.headers) as AlertPayload }));
}

/** Scripts the next answers a channel's receiver gives (status 0: hang). */
export async function script(
  channel: string,
  answers: { status: number; headers?: Record<string, string>; body?: string }[],
): Promise<void> {
  const response = await fetch(`${receiver}/script/${hookName(channel)}`, {
    method: "PUT",
    body: JSON.stringify(answers),
  });
  expect(response.status).toBe(204);
}

/** Polls until `check` holds (or `withinMs` passes); returns whether it held. */
export async function until(check: () => Promise<boolean>, withinMs = 15_000): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (!(await check())) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

/** Whether nothing is in flight or due now for the channel: what its receiver holds is all it gets until a later time. */
export async function settled(page: Page, channel: string): Promise<boolean> {
  const [row] = await query(
    page,
    `SELECT COUNT(*) AS busy FROM outbox o LEFT JOIN alert_channels c ON c.id = o.recipient
     WHERE o.channel = 'alert' AND o.recipient = ? AND (o.state = 'sending'
       OR (o.state = 'pending' AND o.next_attempt_at <= ? AND COALESCE(c.next_send_at, 0) <= ?
           AND o.recipient NOT IN (SELECT target FROM delivery_holds WHERE kind = 'channel')))`,
    channel,
    Date.now(),
    Date.now(),
  );
  return Number(row?.busy) === 0;
}
