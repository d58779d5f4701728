/**
 * The alerting figures' receiver: a node:http server on 127.0.0.1 that
 * speaks Slack's incoming webhook (`POST /slack/<channel>`, JSON with a `text`
 * or `blocks`, answered 200 "ok") and Lookout's generic webhook
 * (`POST /webhook/<channel>`, answered 204). It holds each channel to Slack's
 * rate limit, about one message a second per webhook
 * (docs/reference/alerting-providers.md): a message sooner than that after
 * the last one it accepted gets 429 with `Retry-After: 1`, as Slack answers,
 * and is counted. It records when each accepted message had fully arrived.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** Slack's limit per webhook. */
export const SLACK_SPACING_MS = 1_000;
const BODY_LIMIT = 4_000_000;

export interface AlertArrival {
  channel: string;
  provider: "slack" | "webhook";
  /** Date.now() when the body had fully arrived (the machine's clock, as workerd's). */
  at: number;
  /** Slack's `text`; for a webhook, its notices' titles. */
  text: string;
  /** A webhook's notices (alert id and why); empty for Slack. */
  notices: { alertId: string; notice: string }[];
  bytes: number;
}

export interface AlertReceiver {
  url: string;
  arrivals: AlertArrival[];
  /** Messages answered 429 because they came sooner than Slack's spacing, by channel. */
  tooSoon: Map<string, number>;
  /** Requests refused as malformed (400), by channel: a renderer's mistake. */
  malformed: Map<string, number>;
  close(): Promise<void>;
}

export async function startAlertReceiver(): Promise<AlertReceiver> {
  const arrivals: AlertArrival[] = [];
  const tooSoon = new Map<string, number>();
  const malformed = new Map<string, number>();
  const lastAccepted = new Map<string, number>();
  const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const match = /^\/(slack|webhook)\/([\w.-]+)$/.exec(request.url ?? "");
    if (request.method !== "POST" || !match) {
      response.writeHead(404).end("no_service");
      return;
    }
    const provider = match[1] as "slack" | "webhook";
    const channel = match[2] as string;
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= BODY_LIMIT) chunks.push(chunk);
    });
    request.on("end", () => {
      const at = Date.now();
      let payload: {
        text?: unknown;
        blocks?: unknown;
        notices?: { alertId?: unknown; notice?: unknown; title?: unknown }[];
      };
      try {
        if (size > BODY_LIMIT) throw new Error("too large");
        payload = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch {
        bump(malformed, channel);
        response.writeHead(400, { "content-type": "text/plain" }).end("invalid_payload");
        return;
      }
      const valid =
        provider === "slack"
          ? typeof payload.text === "string" || Array.isArray(payload.blocks)
          : Array.isArray(payload.notices);
      if (!valid) {
        bump(malformed, channel);
        response.writeHead(400, { "content-type": "text/plain" }).end(provider === "slack" ? "no_text" : "bad payload");
        return;
      }
      if (provider === "slack") {
        const last = lastAccepted.get(channel);
        if (last !== undefined && at - last < SLACK_SPACING_MS) {
          bump(tooSoon, channel);
          response.writeHead(429, { "content-type": "text/plain", "retry-after": "1" }).end("rate_limited");
          return;
        }
        lastAccepted.set(channel, at);
      }
      const notices = (payload.notices ?? []).map((n) => ({ alertId: String(n.alertId), notice: String(n.notice) }));
      arrivals.push({
        channel,
        provider,
        at,
        text:
          typeof payload.text === "string"
            ? payload.text
            : (payload.notices ?? []).map((n) => String(n.title)).join(" · "),
        notices,
        bytes: size,
      });
      if (provider === "slack") response.writeHead(200, { "content-type": "text/plain" }).end("ok");
      else response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    arrivals,
    tooSoon,
    malformed,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
