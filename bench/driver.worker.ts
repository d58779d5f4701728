/**
 * A bench-only Worker that runs beside Lookout's in the same workerd and makes
 * the Durable Objects' RPC calls for the benchmark. Calling from Node
 * through Miniflare's proxy does not work for this: an RPC result comes back
 * as a live proxy whose every property read is another round trip (a render
 * re-fetched the 800 kB snapshot several times), and each call costs
 * milliseconds. Here a call is in-process RPC and the result crosses to Node
 * once, as JSON.
 *
 * POST / {"object": "page", "calls": [["snapshot"], ...]}
 *   → [result, ...]  (calls to the StatusPage object named "page", in order;
 *   an argument {"$result": k} stands for the result of this batch's call k)
 * POST / {"monitor": "group:1@default", "calls": [["inspect"], ["inspectMonitor", "m-0001"]]}
 *   → [result, ...]  (calls to the Monitor object of that name: a probe group)
 * {METHOD} /objects/{name}/api/v1/{path}
 *   → the communicator API (bench/driver-api.ts) aimed at the StatusPage object of that name
 */
import { communicatorApi } from "./driver-api.ts";

type Method = (...args: unknown[]) => Promise<unknown>;

interface Namespace {
  idFromName(name: string): unknown;
  get(id: unknown): Record<string, Method>;
}

interface Env {
  STATUS_PAGE: Namespace;
  MONITOR?: Namespace;
}

interface Batch {
  object?: string;
  monitor?: string;
  calls: [method: string, ...args: unknown[]][];
}

/** The objects' RPC methods the benchmark may call; anything else is refused. */
const STATUS_PAGE_METHODS = new Set([
  "snapshot",
  "reconcile",
  "tick",
  "reportMonitor",
  "reportMonitors",
  "subscribe",
  "confirmSubscription",
]);
const MONITOR_METHODS = new Set(["inspect", "inspectMonitor", "assign", "handOver", "heartbeat"]);

/** `{"$result": k}` → the result of call k of this batch; anything else as it is. */
function resolveArg(arg: unknown, results: readonly unknown[]): unknown {
  if (typeof arg !== "object" || arg === null || !("$result" in arg)) return arg;
  const index = (arg as { $result: unknown }).$result;
  if (typeof index !== "number" || index < 0 || index >= results.length) throw new Error(`no result ${index} yet`);
  return results[index];
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const api = /^\/objects\/([^/]+)\/api\/v1(\/.*)$/.exec(new URL(request.url).pathname);
    if (api) {
      const stub = env.STATUS_PAGE.get(env.STATUS_PAGE.idFromName(decodeURIComponent(api[1] as string)));
      return communicatorApi(request, api[2] as string, stub as never);
    }
    if (request.method !== "POST") return new Response("POST a batch of calls", { status: 405 });
    const batch = (await request.json()) as Batch;
    const [namespace, name, methods] =
      batch.monitor !== undefined
        ? [env.MONITOR, batch.monitor, MONITOR_METHODS]
        : [env.STATUS_PAGE, batch.object, STATUS_PAGE_METHODS];
    if (!namespace || name === undefined) return new Response("no such object", { status: 400 });
    const stub = namespace.get(namespace.idFromName(name));
    const results: unknown[] = [];
    try {
      for (const [method, ...args] of batch.calls) {
        const call = methods.has(method) ? stub[method] : undefined;
        if (!call) return new Response(`unknown method ${method}`, { status: 400 });
        const result = await call(...args.map((arg) => resolveArg(arg, results)));
        results.push(result);
        // Results of RPC calls hold a disposer; releasing it now keeps workerd from warning about leaked stubs.
        (result as Partial<Disposable> | null)?.[Symbol.dispose]?.();
      }
    } catch (error) {
      return new Response(error instanceof Error ? `${error.name}: ${error.message}` : String(error), { status: 500 });
    }
    return Response.json(results);
  },
};
