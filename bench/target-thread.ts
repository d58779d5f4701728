/**
 * The monitored targets, in their own thread so that nothing the benchmark's
 * main thread does (reading a thousand objects' samples, parsing JSON) can
 * delay an answer or the record of when a request arrived.
 *
 *   GET /ok/<monitorId>    answers 200 "ok" after `delayMs`
 *   GET /hang/<monitorId>  never answers; the connection stays open until the client gives up
 *
 * Keep-alive is on and idle connections are kept for two minutes, so a client
 * that reuses connections can do so across 60 s intervals.
 */
import { createServer, type ServerResponse } from "node:http";
import { parentPort, workerData } from "node:worker_threads";

export type TargetMessage = { type: "counts" } | { type: "arrivals" } | { type: "reset" } | { type: "close" };

export interface TargetCounts {
  requests: number;
  connections: number;
  /** Requests to /hang/ still open. */
  hanging: number;
}

const { delayMs } = workerData as { delayMs: number };
const port = parentPort;
if (!port) throw new Error("target-thread.ts runs as a worker thread");

let arrivals = new Map<string, number[]>();
const counts: TargetCounts = { requests: 0, connections: 0, hanging: 0 };

const server = createServer({ keepAliveTimeout: 120_000, requestTimeout: 0 }, (request, response) => {
  const at = Date.now();
  counts.requests++;
  const [, kind = "", id = ""] = (request.url ?? "").split("/");
  const list = arrivals.get(id);
  if (list) list.push(at);
  else arrivals.set(id, [at]);
  if (kind === "hang") {
    counts.hanging++;
    response.on("close", () => counts.hanging--);
    return;
  }
  setTimeout(() => answer(response), delayMs);
});
server.on("connection", (socket) => {
  counts.connections++;
  socket.setNoDelay(true);
});

function answer(response: ServerResponse): void {
  if (response.destroyed) return;
  response.writeHead(200, { "content-type": "text/plain", "content-length": "2", "cache-control": "no-store" });
  response.end("ok");
}

server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  port.postMessage({ type: "ready", port: typeof address === "object" && address ? address.port : 0 });
});

port.on("message", (message: TargetMessage) => {
  switch (message.type) {
    case "counts":
      port.postMessage({ ...counts });
      break;
    case "arrivals":
      port.postMessage([...arrivals]);
      break;
    case "reset":
      arrivals = new Map();
      counts.requests = 0;
      counts.connections = 0;
      port.postMessage(null);
      break;
    case "close":
      server.closeAllConnections();
      server.close(() => port.postMessage(null));
      break;
  }
});
