/**
 * Real targets for the probes, on 127.0.0.1: one HTTP server with a route per
 * behaviour a monitored service can show, a TCP server that accepts, a port
 * that refuses and an HTTPS server nobody trusts. The probes run inside workerd
 * against them, so what the tests see is what workerd's own fetch and connect
 * do, not a mock's idea of them.
 *
 * HTTP routes (`:key` keeps state apart between tests):
 *   /healthy                 200 {"status":"ok","checks":{"db":{"status":"ok"}}}
 *   /status/:code            that status, with a short text body
 *   /flaky/:key/:n           503 for the first n requests, then /healthy
 *   /hang[/:key]             reads the request, never answers (counted under the key, so a test can
 *                            tell that a check is under way)
 *   /reset                   resets the connection (TCP RST) without answering
 *   /slow-body/:key          200 headers at once, then a byte every 100 ms for a minute
 *   /big/:key                200 with a 50 MB body, written only as fast as the client reads
 *   /stats/:key              what the server saw for that key (bytes written, client gone)
 *   /redirect/:n             302 to /redirect/(n-1); /redirect/0 goes to /healthy
 *   /loop/a, /loop/b         302 to each other, for ever
 *   /text?body=...           200 text/plain with that body
 *   /wrong-json              200 {"status":"ok","checks":{"db":{"status":"down"}}}
 *   /slow-headers/:ms        /healthy after that many ms
 *   /echo                    200 JSON of the request's method, headers and body
 *   /provider/:key/...       a provider's status page (scripts/provider-page.ts): its summary.json,
 *                            POST a scenario or a failure to it, GET its stats
 *   /relay/:key[/...]        PUT: keep the body (and its `etag` header) as another page served it;
 *                            GET: answer with those bytes and that ETag (304 when If-None-Match has it),
 *                            so a page only workerd can reach (Lookout's own) is read over real HTTP
 *                            (/stats/relay/:key counts the GETs and the bytes of body sent)
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { connect, createServer as createTcpServer, type Socket, type Server as TcpServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { providerPages } from "../../../scripts/provider-page.ts";
import { BIG_BODY_BYTES, TARGETS_KEY, type TargetAddresses } from "../target-addresses.ts";

declare module "vitest" {
  export interface ProvidedContext {
    [TARGETS_KEY]: TargetAddresses;
  }
}

export interface RunningTargets {
  addresses: TargetAddresses;
  close(): Promise<void>;
}

const HOST = "127.0.0.1";
const HEALTHY = JSON.stringify({ status: "ok", checks: { db: { status: "ok" } } });
const WRONG_JSON = JSON.stringify({ status: "ok", checks: { db: { status: "down" } } });
const CHUNK = Buffer.alloc(64 * 1024, "x");

interface KeyStats {
  /** Bytes of body handed to the socket for this key so far. */
  bytesWritten: number;
  /** The client went away before the whole body was written. */
  clientGone: boolean;
  requests: number;
}

export async function startTargets(): Promise<RunningTargets> {
  const stats = new Map<string, KeyStats>();
  const statsFor = (key: string): KeyStats => {
    let entry = stats.get(key);
    if (!entry) {
      entry = { bytesWritten: 0, clientGone: false, requests: 0 };
      stats.set(key, entry);
    }
    return entry;
  };
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, fn: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
    return timer;
  };

  const providers = providerPages({
    prefix: "/provider",
    base: JSON.parse(
      readFileSync(new URL("../../fixtures/statuspage/instructure-summary.json", import.meta.url), "utf8"),
    ),
    // A key "<name>~<Page%20name>" serves a page of that name: a test may follow two providers it tells apart.
    pageName: (key) => decodeURIComponent(key.split("~")[1] ?? ""),
  });

  const relayed = new Map<string, { body: Buffer; etag: string | null; contentType: string }>();

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    if (providers(req, res)) return;
    const url = new URL(req.url ?? "/", `http://${HOST}`);
    const [route = "", a = "", b = ""] = url.pathname.split("/").filter(Boolean);
    switch (route) {
      case "healthy":
        return sendJson(res, 200, HEALTHY);
      case "status": {
        const code = Number(a);
        res.writeHead(code >= 100 && code <= 599 ? code : 400, { "content-type": "text/plain" });
        return res.end(`status ${code}`);
      }
      case "flaky": {
        const entry = statsFor(`flaky/${a}`);
        entry.requests += 1;
        if (entry.requests <= Number(b)) {
          res.writeHead(503, { "content-type": "text/plain" });
          return res.end("warming up");
        }
        return sendJson(res, 200, HEALTHY);
      }
      case "hang":
        // Keep the request open and say nothing; close() destroys the socket.
        statsFor(`hang/${a}`).requests += 1;
        return;
      case "reset":
        req.socket.resetAndDestroy();
        return;
      case "slow-body":
        return trickle(req, res, statsFor(`slow-body/${a}`), later);
      case "big":
        return void sendBig(req, res, statsFor(`big/${a}`));
      case "stats":
        return sendJson(res, 200, JSON.stringify(stats.get(`${a}/${b}`) ?? null));
      case "redirect": {
        const n = Number(a);
        res.writeHead(302, { location: n > 0 ? `/redirect/${n - 1}` : "/healthy" });
        return res.end();
      }
      case "loop":
        res.writeHead(302, { location: a === "a" ? "/loop/b" : "/loop/a" });
        return res.end();
      case "text":
        res.writeHead(200, { "content-type": "text/plain; charset=utf-8" });
        return res.end(url.searchParams.get("body") ?? "");
      case "wrong-json":
        return sendJson(res, 200, WRONG_JSON);
      case "slow-headers":
        later(Number(a), () => sendJson(res, 200, HEALTHY));
        return;
      case "echo":
        return void echo(req, res);
      case "relay":
        return void relay(req, res, relayed, a, statsFor(`relay/${a}`));
      default:
        res.writeHead(404, { "content-type": "text/plain" });
        return res.end("no such target");
    }
  };

  const http = trackSockets(createHttpServer(handle));
  const tcp = trackSockets(createTcpServer(() => undefined));
  const tlsFiles = selfSignedCertificate();
  const https = tlsFiles && trackSockets(createHttpsServer(tlsFiles, (_req, res) => sendJson(res, 200, HEALTHY)));

  const httpPort = await listen(http.server);
  const tcpPort = await listen(tcp.server);
  const httpsPort = https && (await listen(https.server));
  const floor = ephemeralFloor();
  const refusedPort = await closedPort(floor);

  return {
    addresses: {
      http: `http://${HOST}:${httpPort}`,
      untrustedTls: httpsPort ? `https://${HOST}:${httpsPort}` : null,
      tcp: { hostname: HOST, port: tcpPort },
      refused: { hostname: HOST, port: refusedPort, ephemeralFloor: floor },
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      await Promise.all([http.close(), tcp.close(), https?.close()]);
    },
  };
}

function sendJson(res: ServerResponse, status: number, body: string) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(body);
}

/** One byte every 100 ms for a minute: slow enough that only a timeout ends a full read. */
function trickle(
  req: IncomingMessage,
  res: ServerResponse,
  entry: KeyStats,
  later: (ms: number, fn: () => void) => NodeJS.Timeout,
) {
  res.writeHead(200, { "content-type": "text/plain" });
  res.flushHeaders();
  let left = 600;
  req.socket.once("close", () => {
    if (!res.writableFinished) entry.clientGone = true;
  });
  const tick = () => {
    if (res.destroyed) return;
    if (left-- === 0) return void res.end();
    res.write(".");
    entry.bytesWritten += 1;
    later(100, tick);
  };
  tick();
}

/** Writes 50 MB only as fast as the client takes it, counting what left the server. */
async function sendBig(req: IncomingMessage, res: ServerResponse, entry: KeyStats) {
  res.writeHead(200, { "content-type": "text/plain", "content-length": String(BIG_BODY_BYTES) });
  let gone = false;
  const closed = new Promise<void>((resolve) =>
    req.socket.once("close", () => {
      gone = true;
      if (!res.writableFinished) entry.clientGone = true;
      resolve();
    }),
  );
  while (entry.bytesWritten < BIG_BODY_BYTES && !gone) {
    const chunk = CHUNK.subarray(0, Math.min(CHUNK.length, BIG_BODY_BYTES - entry.bytesWritten));
    const flushed = res.write(chunk);
    entry.bytesWritten += chunk.length;
    if (!flushed) await Promise.race([new Promise((resolve) => res.once("drain", resolve)), closed]);
  }
  if (!gone) res.end();
}

/** Serves back what was PUT under a key, as the page it came from served it. */
async function relay(
  req: IncomingMessage,
  res: ServerResponse,
  relayed: Map<string, { body: Buffer; etag: string | null; contentType: string }>,
  key: string,
  entry: KeyStats,
) {
  if (req.method === "PUT") {
    const parts: Buffer[] = [];
    for await (const part of req) parts.push(part as Buffer);
    const etag = req.headers.etag;
    const contentType = req.headers["content-type"] ?? "application/octet-stream";
    relayed.set(key, { body: Buffer.concat(parts), etag: typeof etag === "string" ? etag : null, contentType });
    res.writeHead(204);
    return res.end();
  }
  entry.requests += 1;
  const kept = relayed.get(key);
  if (!kept) {
    res.writeHead(404, { "content-type": "text/plain" });
    return res.end("nothing relayed under this key");
  }
  const etag = kept.etag ? { etag: kept.etag } : {};
  if (kept.etag && req.headers["if-none-match"]?.split(",").some((tag) => tag.trim() === kept.etag)) {
    res.writeHead(304, etag);
    return res.end();
  }
  res.writeHead(200, { "content-type": kept.contentType, ...etag });
  res.end(kept.body);
  entry.bytesWritten += kept.body.length;
}

async function echo(req: IncomingMessage, res: ServerResponse) {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  sendJson(
    res,
    200,
    JSON.stringify({ method: req.method, headers: req.headers, body: Buffer.concat(parts).toString("utf8") }),
  );
}

/** Remembers open sockets, so close() can end hanging requests instead of waiting for them. */
function trackSockets<S extends Server | TcpServer>(server: S) {
  const sockets = new Set<Socket>();
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  // The TLS server's connections arrive on "secureConnection" too, but the raw
  // socket behind them has already been counted by "connection".
  return {
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

function listen(server: Server | TcpServer): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      if (address === null || typeof address === "string") return reject(new Error("no port"));
      resolve(address.port);
    });
  });
}

/**
 * A port nothing listens on, below the range the kernel hands to listen(0) and to
 * outgoing connections. A port freed inside that range is soon some other test's
 * listener (or a loopback connection's own source port) in a half-hour suite, and
 * "refused" then connects. Checked free here; no test binds a fixed port this low.
 */
async function closedPort(floor: number): Promise<number> {
  for (let port = floor - 1; port > floor - 100; port--) {
    if (await refuses(port)) return port;
  }
  throw new Error(`no closed port below ${floor} on ${HOST}`);
}

/** The first port of Linux's ephemeral range; 32768 where it cannot be read. */
function ephemeralFloor(): number {
  try {
    const first = Number(readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/)[0]);
    return Number.isInteger(first) && first > 1024 ? first : 32_768;
  } catch {
    return 32_768;
  }
}

function refuses(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, HOST);
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code === "ECONNREFUSED"));
  });
}

/**
 * A fresh self-signed certificate for 127.0.0.1, made with the openssl CLI at
 * start-up so no private key lives in the repository. Null without openssl:
 * the one test that needs it is skipped rather than the whole suite failing.
 */
function selfSignedCertificate(): { key: Buffer; cert: Buffer } | null {
  const dir = mkdtempSync(join(tmpdir(), "lookout-tls-"));
  try {
    const key = join(dir, "key.pem");
    const cert = join(dir, "cert.pem");
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        key,
        "-out",
        cert,
        "-days",
        "2",
        "-subj",
        "/CN=127.0.0.1",
        "-addext",
        "subjectAltName=IP:127.0.0.1",
      ],
      { stdio: "ignore" },
    );
    return { key: readFileSync(key), cert: readFileSync(cert) };
  } catch {
    return null;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
