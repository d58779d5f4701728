/**
 * The alerting figures' receivers. Slack is the tests' own receiver
 * (test/helpers/node/alert-receivers/): it checks every request against the
 * incoming-webhook contract and holds each webhook to Slack's limit, about one
 * message a second (docs/reference/alerting-providers.md), answering 429 with
 * `Retry-After` as Slack does beyond it. Lookout's generic webhook has no
 * provider contract; a small node:http server here takes it (204) and keeps
 * which alerts each message lists. Both record when each message arrived.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { startAlertReceiver as startProviderReceiver } from "../test/helpers/node/alert-receivers/index.ts";

/** Slack's limit per webhook. */
export const SLACK_SPACING_MS = 1_000;
const BODY_LIMIT = 4_000_000;

export interface AlertArrival {
  channel: string;
  provider: "slack" | "webhook";
  /** Date.now() when it arrived (the machine's clock, as workerd's). */
  at: number;
  /** Slack's `text`; for a webhook, its notices' titles. */
  text: string;
  /** A webhook's notices (alert id and why); empty for Slack. */
  notices: { alertId: string; notice: string }[];
  bytes: number;
}

export interface AlertReceiver {
  /** A Slack incoming-webhook URL whose messages count as `channel`'s. */
  slackUrl(channel: string): string;
  webhookUrl(channel: string): string;
  /** Messages accepted so far, in the order they arrived. */
  arrivals(): AlertArrival[];
  /** Slack messages answered 429 because they came sooner than Slack's limit allows. */
  tooSoon(): number;
  /** Requests that broke the provider's contract (answered 400), with what broke. */
  violations(): string[];
  close(): Promise<void>;
}

export async function startAlertReceiver(): Promise<AlertReceiver> {
  const slack = await startProviderReceiver("slack", { limit: { count: 1, perMs: SLACK_SPACING_MS } });
  const hooks: AlertArrival[] = [];
  const hookViolations: string[] = [];
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const channel = /^\/webhook\/([\w.-]+)$/.exec(request.url ?? "")?.[1];
    if (request.method !== "POST" || !channel) {
      response.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= BODY_LIMIT) chunks.push(chunk);
    });
    request.on("end", () => {
      let notices: { alertId?: unknown; notice?: unknown; title?: unknown }[] | undefined;
      try {
        notices = size > BODY_LIMIT ? undefined : JSON.parse(Buffer.concat(chunks).toString("utf8")).notices;
      } catch {
        notices = undefined;
      }
      if (!Array.isArray(notices)) {
        hookViolations.push(`${channel}: not a Lookout alert payload`);
        response.writeHead(400).end();
        return;
      }
      hooks.push({
        channel,
        provider: "webhook",
        at: Date.now(),
        text: notices.map((n) => String(n.title)).join(" · "),
        notices: notices.map((n) => ({ alertId: String(n.alertId), notice: String(n.notice) })),
        bytes: size,
      });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const webhookBase = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const slackArrivals = (): AlertArrival[] =>
    slack
      .requests()
      .filter((r) => r.status === 200)
      .map((r) => ({
        channel: r.scope,
        provider: "slack" as const,
        at: r.at,
        text: String((JSON.parse(r.body) as { text?: unknown }).text ?? ""),
        notices: [],
        bytes: Buffer.byteLength(r.body),
      }));
  return {
    // The scope (first segment) names the channel; the rest is the shape of a real incoming-webhook URL.
    slackUrl: (channel) => `${slack.url}/${channel}/services/TBENCH/BBENCH/bench${channel.replace(/\W/g, "")}`,
    webhookUrl: (channel) => `${webhookBase}/webhook/${channel}`,
    arrivals: () => [...slackArrivals(), ...hooks].sort((a, b) => a.at - b.at),
    tooSoon: () => slack.requests().filter((r) => r.throttled).length,
    violations: () => [...slack.violations().map((v) => `${v.scope}: ${v.violations.join("; ")}`), ...hookViolations],
    close: async () => {
      server.closeAllConnections();
      await Promise.all([new Promise<void>((resolve) => server.close(() => resolve())), slack.close()]);
    },
  };
}
