/**
 * A bench-only Worker that runs beside Lookout's in the same workerd and makes
 * the StatusPage object's RPC calls for the benchmark. Calling from Node
 * through Miniflare's proxy does not work for this: an RPC result comes back
 * as a live proxy whose every property read is another round trip (a render
 * re-fetched the 800 kB snapshot several times), and each call costs
 * milliseconds, too slow to seed 10,000 incidents. Here a call is in-process
 * RPC and the result crosses to Node once, as JSON.
 *
 * POST / {"object": "page", "calls": [["createIncident", {...}], ...]}
 *   → [result, ...]  (calls run in order, as a communicator's writes would)
 */

type Method = (...args: unknown[]) => Promise<unknown>;

interface Namespace {
  idFromName(name: string): unknown;
  get(id: unknown): Record<string, Method>;
}

interface Env {
  STATUS_PAGE: Namespace;
}

interface Batch {
  object: string;
  calls: [method: string, ...args: unknown[]][];
}

/** The object's RPC methods the benchmark may call; anything else is refused. */
const METHODS = new Set(["snapshot", "reconcile", "setComponentStatus", "createIncident", "addIncidentUpdate"]);

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    if (request.method !== "POST") return new Response("POST a batch of calls", { status: 405 });
    const batch = (await request.json()) as Batch;
    const stub = env.STATUS_PAGE.get(env.STATUS_PAGE.idFromName(batch.object));
    const results: unknown[] = [];
    try {
      for (const [method, ...args] of batch.calls) {
        const call = METHODS.has(method) ? stub[method] : undefined;
        if (!call) return new Response(`unknown method ${method}`, { status: 400 });
        const result = await call(...args);
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
