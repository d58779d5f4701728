import { Agent, get } from "node:http";

export interface LoadTarget {
  path: string;
  headers?: Record<string, string>;
  /** The status that counts as served; anything else is an error. */
  expect?: number;
}

export interface LoadResult {
  path: string;
  requests: number;
  seconds: number;
  errors: number;
  bytes: number;
  /** Responses by their x-lookout-cache header ("-" when absent). */
  cache: Map<string, number>;
  /** CPU this process (the load generator) used, as a share of one core. */
  clientCpu: number;
}

/**
 * Keeps `concurrency` GETs of the target in flight over keep-alive connections
 * for `seconds`, reading every body to the end. node:http rather than fetch:
 * it costs the client less CPU per request, and the client shares the
 * machine's two cores with workerd.
 */
export async function drive(base: URL, target: LoadTarget, seconds: number, concurrency: number): Promise<LoadResult> {
  const { path, headers = {}, expect = 200 } = target;
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const url = new URL(path, base);
  const result: LoadResult = { path, requests: 0, seconds, errors: 0, bytes: 0, cache: new Map(), clientCpu: 0 };
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const deadline = started + seconds * 1000;

  const once = () =>
    new Promise<void>((resolve) => {
      const request = get(url, { agent, headers }, (response) => {
        const state = String(response.headers["x-lookout-cache"] ?? "-");
        response.on("data", (chunk: Buffer) => {
          result.bytes += chunk.length;
        });
        response.on("end", () => {
          if (response.statusCode === expect) {
            result.requests++;
            result.cache.set(state, (result.cache.get(state) ?? 0) + 1);
          } else result.errors++;
          resolve();
        });
        response.on("error", () => {
          result.errors++;
          resolve();
        });
      });
      request.on("error", () => {
        result.errors++;
        resolve();
      });
    });

  const lane = async () => {
    while (performance.now() < deadline) await once();
  };
  await Promise.all(Array.from({ length: concurrency }, lane));

  // Requests finishing after the deadline were counted, so divide by the time actually taken.
  result.seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  result.clientCpu = (cpu.user + cpu.system) / 1000 / (result.seconds * 1000);
  agent.destroy();
  return result;
}
