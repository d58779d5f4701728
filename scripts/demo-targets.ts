/**
 * Local stand-ins for Acme's services, so `npm start` has something real to
 * probe with no account and no internet. Each path answers like a service's
 * /healthCheck; `POST /break/<name>` and `POST /fix/<name>` let a newcomer
 * watch an outage reach the page (and the no-flapping rules hold it back).
 */
import { createServer as createHttpServer, type Server } from "node:http";
import { createServer as createTcpServer } from "node:net";

export const DEMO_HTTP_PORT = 8790;
export const DEMO_TCP_PORT = 8791;

type Mode = "healthy" | "broken" | "slow";
const services = new Map<string, Mode>(
  ["api", "dashboard", "auth", "search", "webhooks", "slack", "eu-west", "us-east", "ap-south", "canary"].map((s) => [
    s,
    "healthy",
  ]),
);

function answer(name: string, mode: Mode, respond: (status: number, body: unknown, delayMs?: number) => void): void {
  if (mode === "broken") {
    respond(503, { status: "down", error: `${name} is broken (POST /fix/${name})` });
    return;
  }
  // Search is a little slow, webhooks fail now and then: realistic noise the state machine must absorb.
  const jitter = name === "search" ? 150 + Math.random() * 250 : 5 + Math.random() * 30;
  if (name === "webhooks" && Math.random() < 0.15) {
    respond(500, { status: "error", error: "transient" });
    return;
  }
  respond(200, { status: "ok", checks: { db: { status: "ok" } } }, mode === "slow" ? 2_500 : jitter);
}

export function startDemoTargets(log: (line: string) => void = console.log): { close(): void } {
  const http: Server = createHttpServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://demo");
    const [, action, name] = url.pathname.split("/");
    const respond = (status: number, body: unknown, delayMs = 0) =>
      setTimeout(() => {
        response.writeHead(status, { "content-type": "application/json" });
        response.end(JSON.stringify(body));
      }, delayMs);
    if (request.method === "POST" && name && services.has(name) && ["break", "fix", "slow"].includes(action ?? "")) {
      const mode: Mode = action === "break" ? "broken" : action === "slow" ? "slow" : "healthy";
      services.set(name, mode);
      log(`  demo target "${name}" is now ${mode}`);
      return respond(200, { service: name, mode });
    }
    const service = action && services.get(action);
    if (service && name === "healthCheck") return answer(action, service, respond);
    respond(404, { error: "unknown demo target", services: [...services.keys()] });
  });
  const tcp = createTcpServer((socket) => socket.end());
  for (const [server, port] of [
    [http, DEMO_HTTP_PORT],
    [tcp, DEMO_TCP_PORT],
  ] as const) {
    server.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EADDRINUSE")
        log(`  port ${port} is taken: assuming another Lookout's demo targets answer there`);
      else throw error;
    });
    server.listen(port, "127.0.0.1");
  }
  return {
    close() {
      http.close();
      tcp.close();
    },
  };
}
