/**
 * A real HTTP server on 127.0.0.1 that receives webhooks the way a
 * customer's endpoint would, and lets tests inside workerd read back exactly
 * what arrived (workerd reaches Node only over the network).
 *
 *   POST /hooks/<name>        records the request (any method); answers by the name's first word:
 *                               gone… 410, fail… 500, busy… 503 with Retry-After: 120, hang… never,
 *                               redirect… 302 to /hooks/followed-<name>,
 *                               flood… 500 with a 256 MB body, written only as fast as the client reads,
 *                               trickle… 500 with a body of one byte every 100 ms for a minute,
 *                               anything else 204 — unless PUT /answer/<name> said otherwise
 *   PUT  /answer/<name>       body: the status code later POSTs to <name> get
 *   PUT  /script/<name>       body: JSON [{status, headers?, body?}], the answers the next POSTs get in turn
 *   GET  /received/<name>     JSON list of ReceivedWebhook, oldest first
 *   GET  /flood/<name>        JSON FloodStats of the last flood… answer: bytes written, whether the client hung up
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { FLOOD_BYTES, type FloodStats, type ReceivedWebhook, WEBHOOK_RECEIVER_KEY } from "../target-addresses.ts";

declare module "vitest" {
  export interface ProvidedContext {
    [WEBHOOK_RECEIVER_KEY]: string;
  }
}

export interface RunningWebhookReceiver {
  url: string;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<RunningWebhookReceiver> {
  const received = new Map<string, ReceivedWebhook[]>();
  const answers = new Map<string, number>();
  const floods = new Map<string, FloodStats>();
  const scripts = new Map<string, ScriptedAnswer[]>();
  const sockets = new Set<Socket>();

  const server = createServer(async (request: IncomingMessage, response: ServerResponse) => {
    const [, route = "", name = ""] = (request.url ?? "").split("?")[0]?.split("/") ?? [];
    const body = await readBody(request);
    if (request.method === "GET" && route === "received") {
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(received.get(name) ?? []));
      return;
    }
    if (request.method === "GET" && route === "flood") {
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(floods.get(name) ?? null));
      return;
    }
    if (request.method === "PUT" && route === "answer") {
      answers.set(name, Number(body));
      response.writeHead(204).end();
      return;
    }
    if (request.method === "PUT" && route === "script") {
      scripts.set(name, JSON.parse(body) as ScriptedAnswer[]);
      response.writeHead(204).end();
      return;
    }
    // Any method is recorded, so a redirect a sender wrongly followed (as a GET) shows.
    if (route !== "hooks") {
      response.writeHead(404).end();
      return;
    }
    const scripted = route === "hooks" ? scripts.get(name)?.shift() : undefined;
    if (scripted) {
      (received.get(name) ?? received.set(name, []).get(name))?.push({
        headers: flatten(request.headers),
        body,
        status: scripted.status,
        at: Date.now(),
      });
      if (scripted.status !== 0) response.writeHead(scripted.status, scripted.headers ?? {}).end(scripted.body ?? "");
      return; // 0: hang, as hang… does
    }
    const status = answers.get(name) ?? defaultAnswer(name);
    const list = received.get(name) ?? [];
    list.push({ headers: flatten(request.headers), body, status, at: Date.now() });
    received.set(name, list);
    if (status === 0) return; // hang: the socket stays open until the sender gives up
    if (name.startsWith("flood")) return void flood(request, response, name, floods);
    if (name.startsWith("trickle")) return trickle(request, response, name, floods);
    if (status === 302) response.writeHead(302, { location: `/hooks/followed-${name}` }).end();
    else if (status === 503) response.writeHead(503, { "retry-after": "120" }).end("busy");
    else response.writeHead(status, { "content-type": "text/plain" }).end(status >= 400 ? "receiver broke" : "");
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** One answer of a script: a 429 with Retry-After, a 500, 0 to hang; then the name's usual answer. */
interface ScriptedAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

const CHUNK = Buffer.alloc(64 * 1024, "x");

/** A 500 whose body goes on and on, written as the client takes it, counting what left the server. */
async function flood(
  request: IncomingMessage,
  response: ServerResponse,
  name: string,
  floods: Map<string, FloodStats>,
) {
  const stats: FloodStats = { bytesWritten: 0, clientGone: false };
  floods.set(name, stats);
  response.writeHead(500, { "content-type": "text/plain" });
  let gone = false;
  const closed = new Promise<void>((resolve) =>
    request.socket.once("close", () => {
      gone = true;
      if (!response.writableFinished) stats.clientGone = true;
      resolve();
    }),
  );
  while (stats.bytesWritten < FLOOD_BYTES && !gone) {
    const flushed = response.write(CHUNK);
    stats.bytesWritten += CHUNK.length;
    if (!flushed) await Promise.race([new Promise((resolve) => response.once("drain", resolve)), closed]);
  }
  if (!gone) response.end();
}

/** A 500 whose body comes a byte at a time: only a timeout ends reading it whole. */
function trickle(request: IncomingMessage, response: ServerResponse, name: string, floods: Map<string, FloodStats>) {
  const stats: FloodStats = { bytesWritten: 0, clientGone: false };
  floods.set(name, stats);
  response.writeHead(500, { "content-type": "text/plain" });
  response.flushHeaders();
  let timer: NodeJS.Timeout | undefined;
  request.socket.once("close", () => {
    clearTimeout(timer);
    if (!response.writableFinished) stats.clientGone = true;
  });
  const tick = () => {
    if (response.destroyed) return;
    if (stats.bytesWritten >= 600) return void response.end();
    response.write(".");
    stats.bytesWritten += 1;
    timer = setTimeout(tick, 100);
  };
  tick();
}

function defaultAnswer(name: string): number {
  if (name.startsWith("gone")) return 410;
  if (name.startsWith("fail") || name.startsWith("flood") || name.startsWith("trickle")) return 500;
  if (name.startsWith("busy")) return 503;
  if (name.startsWith("hang")) return 0;
  if (name.startsWith("redirect")) return 302;
  return 204;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function flatten(headers: IncomingMessage["headers"]): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([key, value]) => [key, Array.isArray(value) ? value.join(", ") : (value ?? "")]),
  );
}
