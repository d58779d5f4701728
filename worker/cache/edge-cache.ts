import { log } from "../platform/log.ts";
import { TimeoutError, withTimeout } from "../platform/with-timeout.ts";
import { acceptsGzip, clientAcceptEncoding } from "./content-coding.ts";
import { staleHeaders, withStaleNotice } from "./stale-notice.ts";

/** What a public route renders: cached as a whole, served to many. */
export interface Rendered {
  status: number;
  contentType: string;
  body: string;
}

/** Which state of the page a copy shows, and when that state was read from the StatusPage object. */
export interface Stamp {
  /** Equal versions render equal pages (worker/site.ts says what goes into one). */
  version: string;
  /** When the read began: the copy shows every change recorded before this. */
  readAt: number;
}

/** Where the cache asks for the current state: a cheap version check, and a full render. */
export interface Origin {
  check(): Promise<Stamp>;
  /** `timeZone`: the page's, kept with the copy so a stale notice can show its time as the page does. */
  render(): Promise<{ rendered: Rendered; stamp: Stamp; timeZone: string }>;
}

interface Entry extends Rendered {
  etag: string;
  version: string;
  /** The copy was known to show the current state at this time. */
  currentAt: number;
  /** The page's time zone when the copy was rendered: the stale notice shows `currentAt` in it. */
  timeZone: string;
  /** The body compressed once here, so a hit costs no compression and ships a tenth of the bytes. */
  gzipped: ArrayBuffer;
}

export interface EdgeCacheOptions {
  /** Served without asking the origin for this long after the copy was known current. */
  freshMs: number;
  /** How long the data centre's cache keeps a copy for stale-on-error. */
  maxStaleMs: number;
  /** How long a reader waits for the origin before being served the stale copy instead. */
  revalidateTimeoutMs: number;
  /** Entries kept in this isolate's memory. */
  maxEntries: number;
  /** The shared per-data-centre cache, or null where there is none. */
  cache: () => Cache | null;
  now: () => number;
}

/** HIT: within the freshness window. REVALIDATED: checked, unchanged. MISS: rendered now. STALE-ERROR: the origin failed or was late. */
export type CacheState = "HIT" | "MISS" | "REVALIDATED" | "STALE-ERROR";

const CURRENT_AT = "x-lookout-current-at";
const VERSION = "x-lookout-version";
const TIME_ZONE = "x-lookout-time-zone";

/**
 * Fresh or honestly stale (docs/decisions/0021-fresh-or-honestly-stale.md):
 * a copy is served as is only within `freshMs` of being known current; past
 * that the reader waits for the StatusPage object (a version check, and a
 * render only when the version moved), and gets the old copy — marked as
 * stale — only when the object fails or is slower than `revalidateTimeoutMs`.
 * Two layers: this isolate's memory, then the data centre's Cache API.
 * Concurrent revalidations of one key in an isolate share one check.
 */
export class EdgeCache {
  readonly #memory = new Map<string, Entry>();
  readonly #inflight = new Map<string, { entry: Promise<Revalidated>; startedAt: number }>();
  readonly #options: EdgeCacheOptions;
  /** A revalidation begun before this may have read the state before a write made here: not joined. */
  // Workers' clock only moves with I/O, so one begun the same millisecond as a write counts as before it.
  #writtenAt = Number.NEGATIVE_INFINITY;

  constructor(options: EdgeCacheOptions) {
    this.#options = options;
  }

  /**
   * The response for `key` (an absolute URL): from cache while fresh, after a
   * revalidation otherwise, the stale copy (saying so) when that fails or
   * times out. Throws only when there is nothing to serve at all.
   */
  async serve(
    request: Request,
    key: string,
    origin: Origin,
    waitUntil: (promise: Promise<unknown>) => void,
  ): Promise<Response> {
    const now = this.#options.now();
    const cached = this.#memory.get(key) ?? (await this.#fromSharedCache(key));
    if (cached && cached.currentAt > this.#writtenAt && now - cached.currentAt <= this.#options.freshMs) {
      return this.#respond(request, cached, "HIT", now);
    }
    const revalidation = this.#revalidate(key, cached, origin);
    if (!cached) {
      const { entry } = await revalidation;
      return this.#respond(request, entry, "MISS", this.#options.now());
    }
    try {
      const { entry, state } = await withTimeout(revalidation, this.#options.revalidateTimeoutMs);
      return this.#respond(request, entry, state, this.#options.now());
    } catch (error) {
      // It may still finish, and then the next reader gets its result.
      waitUntil(revalidation.catch(() => undefined));
      if (error instanceof TimeoutError) log.warn("edge_cache.revalidation_timed_out", { key });
      return this.#respondStale(request, cached, this.#options.now());
    }
  }

  /**
   * A write was made through this isolate: whatever it holds was checked
   * before, so the next request revalidates, and no revalidation begun
   * before is joined. This is what puts a communicator's write on the page
   * at once where it was made.
   */
  noteWrite(): void {
    this.#writtenAt = this.#options.now();
  }

  /** Forget everything this isolate holds (tests and benchmarks start cold with it). */
  clearMemory(): void {
    this.#memory.clear();
  }

  #revalidate(key: string, cached: Entry | undefined, origin: Origin): Promise<Revalidated> {
    const running = this.#inflight.get(key);
    if (running && running.startedAt > this.#writtenAt) return running.entry;
    const slot = { entry: this.#check(key, cached, origin), startedAt: this.#options.now() };
    this.#inflight.set(key, slot);
    const forget = () => {
      if (this.#inflight.get(key) === slot) this.#inflight.delete(key);
    };
    slot.entry.then(forget, forget);
    return slot.entry;
  }

  async #check(key: string, cached: Entry | undefined, origin: Origin): Promise<Revalidated> {
    try {
      if (cached) {
        const stamp = await origin.check();
        if (stamp.version === cached.version) {
          // Unchanged: the same bytes, known current as of this read; nothing rendered or compressed.
          const entry = { ...cached, currentAt: Math.max(cached.currentAt, stamp.readAt) };
          this.#remember(key, entry);
          return { entry, state: "REVALIDATED" };
        }
      }
      const { rendered, stamp, timeZone } = await origin.render();
      const entry: Entry = {
        ...rendered,
        etag: await etagOf(rendered.body),
        version: stamp.version,
        currentAt: stamp.readAt,
        timeZone,
        gzipped: await gzip(rendered.body),
      };
      this.#remember(key, entry);
      await this.#toSharedCache(key, entry);
      return { entry, state: "MISS" };
    } catch (error) {
      log.warn("edge_cache.refresh_failed", { key, error });
      throw error;
    }
  }

  #remember(key: string, entry: Entry): void {
    // An older read finishing late never replaces a newer one.
    if ((this.#memory.get(key)?.currentAt ?? Number.NEGATIVE_INFINITY) > entry.currentAt) return;
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
        version: response.headers.get(VERSION) ?? "",
        currentAt: Number(response.headers.get(CURRENT_AT) ?? 0),
        // A copy put there before the zone was kept with it: the config's own default.
        timeZone: response.headers.get(TIME_ZONE) ?? "Etc/UTC",
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
            [VERSION]: entry.version,
            [CURRENT_AT]: String(entry.currentAt),
            [TIME_ZONE]: entry.timeZone,
            "cache-control": `public, max-age=${keep}`,
          },
        }),
      );
    } catch (error) {
      log.warn("edge_cache.put_failed", { key, error });
    }
  }

  #respond(request: Request, entry: Entry, state: CacheState, now: number): Response {
    const headers = this.#headers(entry, state, now);
    const gzipped = acceptsGzip(clientAcceptEncoding(request));
    // Strong validators differ per content coding (RFC 9110 §8.8.3): the gzip bytes get their own.
    const etag = gzipped ? gzipEtag(entry.etag) : entry.etag;
    headers.set("etag", etag);
    // Browsers and caches in front keep it no longer than the rest of its freshness window.
    const left = Math.max(0, Math.floor((entry.currentAt + this.#options.freshMs - now) / 1000));
    headers.set("cache-control", `public, max-age=${left}`);
    // A 304 only for the representation this client would be sent.
    if (entry.status === 200 && matchesEtag(request.headers.get("if-none-match"), etag)) {
      return new Response(null, { status: 304, headers });
    }
    if (gzipped) {
      headers.set("content-encoding", "gzip");
      return new Response(entry.gzipped, { status: entry.status, headers, encodeBody: "manual" });
    }
    return new Response(entry.body, { status: entry.status, headers });
  }

  /** The old copy, saying since when it is stale; never a 304, so a browser cannot show its own fresh-looking copy. */
  async #respondStale(request: Request, entry: Entry, now: number): Promise<Response> {
    const headers = this.#headers(entry, "STALE-ERROR", now);
    for (const [name, value] of Object.entries(staleHeaders(entry.currentAt))) headers.set(name, value);
    const body = entry.contentType.startsWith("text/html")
      ? withStaleNotice(entry.body, entry.currentAt, entry.timeZone)
      : entry.body;
    if (acceptsGzip(clientAcceptEncoding(request))) {
      headers.set("content-encoding", "gzip");
      return new Response(await gzip(body), { status: entry.status, headers, encodeBody: "manual" });
    }
    return new Response(body, { status: entry.status, headers });
  }

  #headers(entry: Entry, state: CacheState, now: number): Headers {
    return new Headers({
      "content-type": entry.contentType,
      // Seconds since the copy was last known to show the current state.
      age: String(Math.max(0, Math.floor((now - entry.currentAt) / 1000))),
      "x-lookout-cache": state,
      vary: "accept-encoding",
    });
  }
}

interface Revalidated {
  entry: Entry;
  state: CacheState;
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

/** The gzip representation's validator: the plain body's, marked inside the quotes. */
function gzipEtag(etag: string): string {
  return etag.endsWith('"') ? `${etag.slice(0, -1)}-gz"` : etag;
}

function matchesEtag(header: string | null, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === "*") return true;
  return header.split(",").some((candidate) => candidate.trim().replace(/^W\//, "") === etag);
}
