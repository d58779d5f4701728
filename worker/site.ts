import type { Context } from "hono";
import { EdgeCache, type Rendered, type Stamp } from "./cache/edge-cache.ts";
import {
  type ComponentDetail,
  type HistoryView,
  type IncidentView,
  type MaintenanceView,
  type PageSnapshot,
  snapshotKey,
} from "./core/read-model.ts";

/** What the edge needs from the StatusPage object to render public surfaces. */
export interface StatusPageReader {
  snapshot(): Promise<PageSnapshot>;
  /** The snapshot, or null when the one named (`snapshotKey`) is still current: a revalidation in a few bytes. */
  snapshotUnlessCurrent(known: string): Promise<PageSnapshot | null>;
  event(id: string): Promise<IncidentView | MaintenanceView | null>;
  /** `at`: the snapshot's `generatedAt`, so the page's figures share one instant (decision 0023). */
  componentDetail(id: string, at?: string): Promise<ComponentDetail | null>;
  /** A component's own newest public incidents and maintenances (its feeds). */
  componentEvents(id: string): Promise<(IncidentView | MaintenanceView)[]>;
  /** One page of `/history` (1 = the current month and the two before it). */
  history(page: number): Promise<HistoryView>;
}

export interface SiteOptions {
  reader: (env: Env) => StatusPageReader;
  freshMs?: number;
  maxStaleMs?: number;
  /** How long a reader waits for the object before being served the stale copy (stale-on-error). */
  revalidateTimeoutMs?: number;
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
  #inflight: Promise<Read> | null = null;
  #last: Read | null = null;
  #writtenAt = Number.NEGATIVE_INFINITY;

  constructor(options: SiteOptions) {
    this.#reader = options.reader;
    // Under the 5 s in which a communicator's write must reach readers (docs/budgets.md).
    this.#freshMs = options.freshMs ?? 4_000;
    this.#now = options.now ?? Date.now;
    this.cache = new EdgeCache({
      freshMs: this.#freshMs,
      maxStaleMs: options.maxStaleMs ?? 7 * 86_400_000,
      // The object answers in milliseconds; a reader waits this long at most before the stale copy.
      revalidateTimeoutMs: options.revalidateTimeoutMs ?? 1_500,
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
  serve(
    c: Context<AppEnv>,
    render: (context: RenderContext) => Promise<Rendered>,
    keySuffix = "",
    keyPath?: string,
  ): Promise<Response> {
    const url = new URL(c.req.url);
    const reader = this.#reader(c.env);
    return this.cache.serve(
      c.req.raw,
      `${url.origin}${keyPath ?? url.pathname}${keySuffix}`,
      {
        check: async () => stampOf(await this.#read(c.env)),
        render: async () => {
          const read = await this.#read(c.env);
          return {
            rendered: await render({ snapshot: read.snapshot, reader }),
            stamp: stampOf(read),
            timeZone: read.snapshot.page.timeZone,
          };
        },
      },
      (promise) => waitUntil(c, promise),
    );
  }

  /**
   * Serves an address that names something (an incident, a component): when
   * the page as last read says it cannot exist, the answer is `missing`'s 404
   * under one cache key for all such addresses (`missingKey`), so made-up ones
   * share one entry instead of pushing real pages out of the cache. When the
   * page cannot be read, the address is served like any other.
   */
  async serveNamed(
    c: Context<AppEnv>,
    exists: (snapshot: PageSnapshot) => boolean,
    render: (context: RenderContext) => Promise<Rendered>,
    missing: (snapshot: PageSnapshot) => Promise<Rendered>,
    missingKey: string,
  ): Promise<Response> {
    let known = true;
    try {
      known = exists(await this.snapshot(c.env));
    } catch {
      // The object is unreachable: serve() answers with a stale copy or the error, as for any page.
    }
    return known ? this.serve(c, render) : this.serve(c, ({ snapshot }) => missing(snapshot), "", missingKey);
  }

  /** The page state, at most `freshMs` old and never older than a write made here; concurrent callers share one read. */
  async snapshot(env: Env): Promise<PageSnapshot> {
    return (await this.#read(env)).snapshot;
  }

  #read(env: Env): Promise<Read> {
    const last = this.#last;
    if (last && last.at > this.#writtenAt && this.#now() - last.at <= this.#freshMs) return Promise.resolve(last);
    if (this.#inflight) return this.#inflight;
    // Stamped with when the read began: a write during it leaves the result not fresh.
    const startedAt = this.#now();
    const reader = this.#reader(env);
    // With a copy in hand, only a changed state travels; an unchanged one is the copy, known current from now.
    const read: Promise<Read> = (last ? reader.snapshotUnlessCurrent(snapshotKey(last.snapshot)) : reader.snapshot())
      .then((snapshot) => {
        const result = { snapshot: snapshot ?? (last as Read).snapshot, at: startedAt };
        if (!this.#last || this.#last.at <= startedAt) this.#last = result;
        return result;
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

interface Read {
  snapshot: PageSnapshot;
  at: number;
}

/** A page's version (`snapshotKey`) and when it was read. */
function stampOf(read: Read): Stamp {
  return { version: snapshotKey(read.snapshot), readAt: read.at };
}

function waitUntil(c: Context<AppEnv>, promise: Promise<unknown>): void {
  try {
    c.executionCtx.waitUntil(promise);
  } catch {
    // No execution context (a direct app.request in a test): the promise runs on its own.
  }
}
