import { log } from "../log.ts";

/** What a public route renders: cached as a whole, served to many. */
export interface Rendered {
  status: number;
  contentType: string;
  body: string;
}

interface Entry extends Rendered {
  etag: string;
  storedAt: number;
  /** The body compressed once here, so a hit costs no compression and ships a tenth of the bytes. */
  gzipped: ArrayBuffer;
}

export interface EdgeCacheOptions {
  /** Served without asking the origin for this long after rendering. */
  freshMs: number;
  /** Past fresh, served while one refresh runs in the background; past this, not at all. */
  maxStaleMs: number;
  /** Entries kept in this isolate's memory. */
  maxEntries: number;
  /** The shared per-data-centre cache, or null where there is none. */
  cache: () => Cache | null;
  now: () => number;
}

export type CacheState = "HIT" | "MISS" | "STALE" | "STALE-ERROR";

const STORED_AT = "x-lookout-stored-at";

/**
 * Serve-stale-while-refreshing and serve-stale-on-error for the public pages,
 * which the Cache API ignores when given as directives
 * (docs/decisions/0003-caching.md). Two layers: this isolate's memory, then
 * the data centre's Cache API. Concurrent refreshes of one key in an isolate
 * share one render, and so one read of the StatusPage object.
 */
export class EdgeCache {
  readonly #memory = new Map<string, Entry>();
  readonly #inflight = new Map<string, { entry: Promise<Entry>; startedAt: number }>();
  readonly #options: EdgeCacheOptions;
  /** Entries stored before this were rendered before a write made here: not fresh, whatever their age. */
  // Workers' clock only moves with I/O, so a render stamped the same millisecond as a write counts as before it.
  #writtenAt = Number.NEGATIVE_INFINITY;

  constructor(options: EdgeCacheOptions) {
    this.#options = options;
  }

  /**
   * The response for `key` (an absolute URL): from cache while fresh, stale
   * while a refresh runs, stale when the refresh fails, freshly rendered
   * otherwise. Throws only when there is nothing to serve at all.
   */
  async serve(
    request: Request,
    key: string,
    render: () => Promise<Rendered>,
    waitUntil: (promise: Promise<unknown>) => void,
  ): Promise<Response> {
    const now = this.#options.now();
    const cached = this.#memory.get(key) ?? (await this.#fromSharedCache(key));
    const age = cached ? now - cached.storedAt : Number.POSITIVE_INFINITY;
    const predatesWrite = cached !== undefined && cached.storedAt <= this.#writtenAt;

    if (cached && !predatesWrite && age <= this.#options.freshMs) return this.#respond(request, cached, "HIT", now);

    if (cached && !predatesWrite && age <= this.#options.maxStaleMs) {
      waitUntil(this.#refresh(key, render).catch(() => undefined));
      return this.#respond(request, cached, "STALE", now);
    }

    try {
      return this.#respond(request, await this.#refresh(key, render), "MISS", now);
    } catch (error) {
      if (cached) return this.#respond(request, cached, "STALE-ERROR", now);
      throw error;
    }
  }

  /**
   * A write was made through this isolate: whatever it holds (in memory or in
   * the data centre's cache) was rendered before, so the next request renders
   * afresh, and falls back to the old copy only if that fails. This is what
   * puts a communicator's write on the page at once where it was made; other
   * isolates catch up within `freshMs`.
   */
  noteWrite(): void {
    this.#writtenAt = this.#options.now();
  }

  /** Forget everything this isolate holds (tests and benchmarks start cold with it). */
  clearMemory(): void {
    this.#memory.clear();
  }

  #refresh(key: string, render: () => Promise<Rendered>): Promise<Entry> {
    const running = this.#inflight.get(key);
    // A render that began before a write here may have read the old state: do not join it.
    if (running && running.startedAt > this.#writtenAt) return running.entry;
    // Stamped with when the render began, so a write during it leaves the result not fresh.
    const startedAt = this.#options.now();
    const slot = { entry: this.#render(key, render, startedAt), startedAt };
    this.#inflight.set(key, slot);
    const forget = () => {
      if (this.#inflight.get(key) === slot) this.#inflight.delete(key);
    };
    slot.entry.then(forget, forget);
    return slot.entry;
  }

  async #render(key: string, render: () => Promise<Rendered>, startedAt: number): Promise<Entry> {
    try {
      const rendered = await render();
      const entry: Entry = {
        ...rendered,
        etag: await etagOf(rendered.body),
        storedAt: startedAt,
        gzipped: await gzip(rendered.body),
      };
      this.#remember(key, entry);
      await this.#toSharedCache(key, entry);
      return entry;
    } catch (error) {
      log.warn("edge_cache.refresh_failed", { key, error });
      throw error;
    }
  }

  #remember(key: string, entry: Entry): void {
    // An older render finishing late never replaces a newer one.
    if ((this.#memory.get(key)?.storedAt ?? Number.NEGATIVE_INFINITY) > entry.storedAt) return;
    this.#memory.delete(key);
    this.#memory.set(key, entry);
    while (this.#memory.size > this.#options.maxEntries) {
      const oldest = this.#memory.keys().next().value;
      if (oldest === undefined) break;
      this.#memory.delete(oldest);
    }
  }

  async #fromSharedCache(key: string): Promise<Entry | undefined> {
    const cache = this.#options.cache();
    if (!cache) return undefined;
    try {
      const response = await cache.match(key);
      if (!response) return undefined;
      const body = await response.text();
      const entry: Entry = {
        status: response.status,
        contentType: response.headers.get("content-type") ?? "text/plain",
        body,
        etag: response.headers.get("etag") ?? "",
        storedAt: Number(response.headers.get(STORED_AT) ?? 0),
        gzipped: await gzip(body),
      };
      this.#remember(key, entry);
      return entry;
    } catch (error) {
      log.warn("edge_cache.match_failed", { key, error });
      return undefined;
    }
  }

  async #toSharedCache(key: string, entry: Entry): Promise<void> {
    const cache = this.#options.cache();
    if (!cache) return;
    try {
      const keep = Math.ceil(this.#options.maxStaleMs / 1000);
      await cache.put(
        key,
        new Response(entry.body, {
          status: entry.status,
          headers: {
            "content-type": entry.contentType,
            etag: entry.etag,
            [STORED_AT]: String(entry.storedAt),
            "cache-control": `public, max-age=${keep}`,
          },
        }),
      );
    } catch (error) {
      log.warn("edge_cache.put_failed", { key, error });
    }
  }

  #respond(request: Request, entry: Entry, state: CacheState, now: number): Response {
    const freshSeconds = Math.round(this.#options.freshMs / 1000);
    const headers = new Headers({
      "content-type": entry.contentType,
      etag: entry.etag,
      "cache-control": `public, max-age=${freshSeconds}, stale-while-revalidate=60, stale-if-error=86400`,
      age: String(Math.max(0, Math.floor((now - entry.storedAt) / 1000))),
      "x-lookout-cache": state,
      vary: "accept-encoding",
    });
    if (entry.status === 200 && matchesEtag(request.headers.get("if-none-match"), entry.etag)) {
      return new Response(null, { status: 304, headers });
    }
    if (/\bgzip\b/.test(request.headers.get("accept-encoding") ?? "")) {
      headers.set("content-encoding", "gzip");
      return new Response(entry.gzipped, { status: entry.status, headers, encodeBody: "manual" });
    }
    return new Response(entry.body, { status: entry.status, headers });
  }
}

async function gzip(text: string): Promise<ArrayBuffer> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Response(stream).arrayBuffer();
}

/** A strong validator from the body: equal bodies, equal ETags, across isolates. */
async function etagOf(body: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(body));
  const bytes = new Uint8Array(digest).slice(0, 12);
  return `"${btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")}"`;
}

function matchesEtag(header: string | null, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === "*") return true;
  return header.split(",").some((candidate) => candidate.trim().replace(/^W\//, "") === etag);
}
