import type { Context } from "hono";
import { EdgeCache, type Rendered } from "./cache/edge-cache.ts";
import type { ComponentDetail, HistoryView, IncidentView, MaintenanceView, PageSnapshot } from "./core/read-model.ts";
import type { Env } from "./env.ts";

/** What the edge needs from the StatusPage object to render public surfaces. */
export interface StatusPageReader {
  snapshot(): Promise<PageSnapshot>;
  event(id: string): Promise<IncidentView | MaintenanceView | null>;
  /** `at`: the snapshot's `generatedAt`, so the page's figures share one instant (decision 0023). */
  componentDetail(id: string, at?: string): Promise<ComponentDetail | null>;
  /** One page of `/history` (1 = the current month and the two before it). */
  history(page: number): Promise<HistoryView>;
}

export interface SiteOptions {
  reader: (env: Env) => StatusPageReader;
  freshMs?: number;
  maxStaleMs?: number;
  now?: () => number;
  /** Defaults to the data centre's `caches.default`. */
  sharedCache?: () => Cache | null;
}

export type AppEnv = { Bindings: Env };

export interface RenderContext {
  snapshot: PageSnapshot;
  reader: StatusPageReader;
}

/**
 * The public surfaces' access to page state: every read goes through the
 * edge cache, and cache misses share one in-flight read of the object.
 */
export class Site {
  readonly cache: EdgeCache;
  readonly #reader: (env: Env) => StatusPageReader;
  readonly #freshMs: number;
  readonly #now: () => number;
  #inflight: Promise<PageSnapshot> | null = null;
  #last: { snapshot: PageSnapshot; at: number } | null = null;
  #writtenAt = Number.NEGATIVE_INFINITY;

  constructor(options: SiteOptions) {
    this.#reader = options.reader;
    // Under the 5 s in which a communicator's write must reach readers, with room for one refresh.
    this.#freshMs = options.freshMs ?? 4_000;
    this.#now = options.now ?? Date.now;
    this.cache = new EdgeCache({
      freshMs: this.#freshMs,
      maxStaleMs: options.maxStaleMs ?? 7 * 86_400_000,
      maxEntries: 200,
      now: this.#now,
      cache: options.sharedCache ?? (() => (typeof caches === "undefined" ? null : caches.default)),
    });
  }

  /**
   * A cached public response for this path. The query string never splits the
   * cache; a route that reads one passes `keySuffix` (e.g. `?page=2`), built
   * from values it has validated, never from the raw query.
   */
  serve(c: Context<AppEnv>, render: (context: RenderContext) => Promise<Rendered>, keySuffix = ""): Promise<Response> {
    const url = new URL(c.req.url);
    const reader = this.#reader(c.env);
    return this.cache.serve(
      c.req.raw,
      `${url.origin}${url.pathname}${keySuffix}`,
      async () => render({ snapshot: await this.snapshot(c.env), reader }),
      (promise) => waitUntil(c, promise),
    );
  }

  /** The page state, at most `freshMs` old and never older than a write made here; concurrent callers share one read. */
  snapshot(env: Env): Promise<PageSnapshot> {
    const last = this.#last;
    if (last && last.at > this.#writtenAt && this.#now() - last.at <= this.#freshMs) {
      return Promise.resolve(last.snapshot);
    }
    if (this.#inflight) return this.#inflight;
    // Stamped with when the read began: a write during it leaves the result not fresh.
    const startedAt = this.#now();
    const read: Promise<PageSnapshot> = this.#reader(env)
      .snapshot()
      .then((snapshot) => {
        if (!this.#last || this.#last.at <= startedAt) this.#last = { snapshot, at: startedAt };
        return snapshot;
      })
      .finally(() => {
        if (this.#inflight === read) this.#inflight = null;
      });
    this.#inflight = read;
    return read;
  }

  /** A write went through this isolate: the next read of every page goes to the object. */
  noteWrite(): void {
    this.#writtenAt = this.#now();
    this.#inflight = null;
    this.cache.noteWrite();
  }

  /** The newest snapshot this isolate has seen, however old: enough to frame an error page. */
  lastKnownSnapshot(): PageSnapshot | null {
    return this.#last?.snapshot ?? null;
  }
}

function waitUntil(c: Context<AppEnv>, promise: Promise<unknown>): void {
  try {
    c.executionCtx.waitUntil(promise);
  } catch {
    // No execution context (a direct app.request in a test): the promise runs on its own.
  }
}
