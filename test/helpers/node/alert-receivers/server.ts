/**
 * What every provider's receiver shares: a real HTTP server on 127.0.0.1
 * that records each request, checks it against the provider's contract
 * (a ProviderContract), answers as the provider does, and can be told to
 * fail the way the provider fails. Tests in workerd drive it over HTTP:
 *
 *   <any method> /<scope>/<provider path>   the provider's API; <scope> keeps one test's requests apart
 *   GET  /_control/requests?scope=s         JSON ReceivedAlertRequest[], oldest first
 *   POST /_control/fail?scope=s             body: ReceiverFailure, for the scope's next request(s)
 *   POST /_control/limit?scope=s            body: RateLimit: the scope answers the provider's 429 beyond it
 *   POST /_control/reset?scope=s            forgets the scope's requests, failures and limit
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { AlertProvider, RateLimit, ReceivedAlertRequest, ReceiverFailure } from "./addresses.ts";
import type { Answer, IncomingAlert, ProviderContract } from "./contract.ts";

export interface ReceiverOptions {
  /**
   * Answer the provider's 429 (retry after the window) to requests beyond
   * this rate in a scope, as the provider would (Slack: about 1 per 1,000 ms
   * per webhook); such answers are marked `throttled`.
   */
  limit?: RateLimit;
}

export interface RunningAlertReceiver {
  provider: AlertProvider;
  url: string;
  requests(scope?: string): ReceivedAlertRequest[];
  /** Every contract violation seen (scope and path with what broke). */
  violations(scope?: string): { scope: string; path: string; violations: string[] }[];
  failNext(failure: ReceiverFailure, scope?: string): void;
  /** A rate limit for one scope (null: back to the receiver's own). */
  limit(limit: RateLimit | null, scope: string): void;
  reset(scope?: string): void;
  close(): Promise<void>;
}

/** The body a receiver reads at most: every provider caps a payload well below this. */
const MAX_BODY = 1_048_576;

export async function startReceiver(
  contract: ProviderContract,
  options: ReceiverOptions = {},
): Promise<RunningAlertReceiver> {
  const received: ReceivedAlertRequest[] = [];
  const failures: { scope: string | undefined; failure: ReceiverFailure; left: number }[] = [];
  const sockets = new Set<Socket>();
  const limits = new Map<string, RateLimit | null>();
  const inScope = (scope?: string) => (r: { scope: string }) => scope === undefined || r.scope === scope;

  const api = {
    requests: (scope?: string) => received.filter(inScope(scope)),
    violations: (scope?: string) =>
      received
        .filter(inScope(scope))
        .filter((r) => r.violations.length > 0)
        .map((r) => ({ scope: r.scope, path: r.path, violations: r.violations })),
    failNext: (failure: ReceiverFailure, scope?: string) =>
      failures.push({ scope, failure, left: Math.max(1, failure.times ?? 1) }),
    limit: (limit: RateLimit | null, scope: string) => limits.set(scope, limit),
    reset: (scope?: string) => {
      if (scope === undefined) limits.clear();
      else limits.delete(scope);
      for (let i = received.length - 1; i >= 0; i--)
        if (inScope(scope)(received[i] as ReceivedAlertRequest)) received.splice(i, 1);
      for (let i = failures.length - 1; i >= 0; i--)
        if (scope === undefined || failures[i]?.scope === scope) failures.splice(i, 1);
    },
  };

  const server = createServer(async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? "/", "http://receiver");
    const body = await readBody(request);
    if (body === undefined) return void response.writeHead(413).end();
    const [, first = "", ...rest] = url.pathname.split("/");
    const query = Object.fromEntries(url.searchParams);
    if (first === "_control") return control(rest.join("/"), query.scope, body, response);
    const incoming: IncomingAlert = {
      method: request.method ?? "",
      path: `/${rest.join("/")}`,
      query,
      headers: flatten(request.headers),
      body,
    };
    const record: ReceivedAlertRequest = {
      scope: decodeURIComponent(first),
      ...incoming,
      violations: [],
      status: 0,
      throttled: false,
      at: Date.now(),
    };
    received.push(record);
    const failure = takeFailure(record.scope);
    if (failure?.mode === "hang") return; // the socket stays open until the sender gives up (or close())
    record.violations = contract.check(incoming);
    let answer: Answer;
    if (failure?.mode === "429") answer = contract.tooMany(failure.retryAfterSeconds);
    else if (failure?.mode === "5xx") answer = { status: failure.status ?? 503, body: "upstream unavailable" };
    else if (failure?.mode === "400") answer = contract.invalid(["the receiver was told to refuse this request"]);
    else if (record.violations.length > 0) answer = contract.invalid(record.violations);
    else if (overLimit(record)) {
      record.throttled = true;
      answer = contract.tooMany(Math.ceil((limitOf(record.scope)?.perMs ?? 1000) / 1000));
    } else answer = contract.ok(incoming);
    record.status = answer.status;
    response.writeHead(answer.status, answer.headers).end(answer.body ?? "");
  });

  function limitOf(scope: string): RateLimit | undefined {
    return limits.has(scope) ? (limits.get(scope) ?? undefined) : options.limit;
  }

  /** Over the limit when `count` requests of the scope were already accepted within the window. */
  function overLimit(record: ReceivedAlertRequest): boolean {
    const limit = limitOf(record.scope);
    if (!limit) return false;
    const accepted = received.filter(
      (r) =>
        r !== record && r.scope === record.scope && r.status >= 200 && r.status < 300 && record.at - r.at < limit.perMs,
    );
    return accepted.length >= limit.count;
  }

  function takeFailure(scope: string): ReceiverFailure | undefined {
    const index = failures.findIndex((f) => f.scope === undefined || f.scope === scope);
    const entry = failures[index];
    if (!entry) return undefined;
    entry.left -= 1;
    if (entry.left <= 0) failures.splice(index, 1);
    return entry.failure;
  }

  function control(route: string, scope: string | undefined, body: string, response: ServerResponse) {
    const json = (value: unknown) =>
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(value));
    if (route === "requests") return json(api.requests(scope));
    if (route === "violations") return json(api.violations(scope));
    if (route === "fail") {
      api.failNext(JSON.parse(body) as ReceiverFailure, scope);
      return json({ ok: true });
    }
    if (route === "limit" && scope !== undefined) {
      api.limit(JSON.parse(body) as RateLimit | null, scope);
      return json({ ok: true });
    }
    if (route === "reset") {
      api.reset(scope);
      return json({ ok: true });
    }
    response.writeHead(404).end();
  }

  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    provider: contract.provider,
    url: `http://127.0.0.1:${port}`,
    ...api,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

async function readBody(request: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of request) {
    total += (chunk as Buffer).length;
    if (total > MAX_BODY) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function flatten(headers: IncomingMessage["headers"]): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([key, value]) => [key, Array.isArray(value) ? value.join(", ") : (value ?? "")]),
  );
}
