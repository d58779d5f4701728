import { once } from "node:events";
import { Worker } from "node:worker_threads";
import type { TargetCounts, TargetMessage } from "./target-thread.ts";

export type { TargetCounts };

/** The local targets the monitors check (bench/target-thread.ts), run in a worker thread. */
export interface Targets {
  /** e.g. http://127.0.0.1:40123; monitors check `${url}/ok/<id>` and `${url}/hang/<id>`. */
  url: string;
  counts(): Promise<TargetCounts>;
  /** When each request arrived, by monitor id (ms since epoch, the target's clock, which is the machine's). */
  arrivals(): Promise<Map<string, number[]>>;
  /** Forgets arrivals and counts, between scenarios. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

export async function startTargets(delayMs: number): Promise<Targets> {
  const worker = new Worker(new URL("./target-thread.ts", import.meta.url), { workerData: { delayMs } });
  const [ready] = (await once(worker, "message")) as [{ port: number }];
  // One question at a time, so each answer belongs to the question before it.
  let queue: Promise<unknown> = Promise.resolve();
  const ask = <T>(message: TargetMessage): Promise<T> => {
    const answer = queue.then(async () => {
      worker.postMessage(message);
      const [reply] = await once(worker, "message");
      return reply as T;
    });
    queue = answer.catch(() => undefined);
    return answer;
  };
  return {
    url: `http://127.0.0.1:${ready.port}`,
    counts: () => ask<TargetCounts>({ type: "counts" }),
    arrivals: async () => new Map(await ask<[string, number[]][]>({ type: "arrivals" })),
    reset: () => ask<void>({ type: "reset" }),
    close: async () => {
      await ask<void>({ type: "close" });
      await worker.terminate();
    },
  };
}
