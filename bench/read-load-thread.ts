/**
 * Readers of the cached page, in their own thread so that the load they put
 * on workerd does not also queue on the event loop of the main thread, which
 * times the communicator's writes. Drives `target` in one-second rounds
 * (bench/load.ts) until told to stop, then answers with every round.
 *
 *   worker → parent: {type: "started"} after the first round, then the rounds (LoadResult[]) once stopped
 *   parent → worker: "stop"
 */
import { parentPort, workerData } from "node:worker_threads";
import { drive, type LoadResult, type LoadTarget } from "./load.ts";

export interface ReadLoadSettings {
  base: string;
  target: LoadTarget;
  concurrency: number;
}

const port = parentPort;
if (!port) throw new Error("read-load-thread.ts runs as a worker thread");
const { base, target, concurrency } = workerData as ReadLoadSettings;

let stopped = false;
port.on("message", (message: unknown) => {
  if (message === "stop") stopped = true;
});

const rounds: LoadResult[] = [];
const url = new URL(base);
// The first round is the warm-up: connections opened, the page in cache, JIT warm. It is not reported.
await drive(url, target, 1, concurrency);
port.postMessage({ type: "started" });
while (!stopped) rounds.push(await drive(url, target, 1, concurrency));
port.postMessage(rounds);
