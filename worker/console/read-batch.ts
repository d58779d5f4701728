import type { ApiCall, ApiResult } from "../core/api/contract.ts";

/**
 * The reads one console page makes at once, sent to the page's object as one
 * call: the dashboard shows nine lists, and nine calls cost nine Durable
 * Object requests and their share of CPU for what one call carries (README
 * "Benchmarks", Console). Reads asked for in the same turn of the event loop
 * go together; a write never waits in here.
 */
export class ReadBatch {
  readonly #send: (calls: ApiCall[]) => Promise<ApiResult[]>;
  #waiting: { call: ApiCall; resolve: (result: ApiResult) => void; reject: (error: unknown) => void }[] = [];

  constructor(send: (calls: ApiCall[]) => Promise<ApiResult[]>) {
    this.#send = send;
  }

  read(call: ApiCall): Promise<ApiResult> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ call, resolve, reject });
      if (this.#waiting.length === 1) queueMicrotask(() => void this.#flush());
    });
  }

  async #flush(): Promise<void> {
    const batch = this.#waiting;
    this.#waiting = [];
    try {
      const results = await this.#send(batch.map((entry) => entry.call));
      batch.forEach((entry, i) => {
        const result = results[i];
        if (result) entry.resolve(result);
        else entry.reject(new Error("the page's object answered fewer reads than it was asked"));
      });
    } catch (error) {
      for (const entry of batch) entry.reject(error);
    }
  }
}
