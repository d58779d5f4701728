import { jwksUrl, type KeyLookup } from "../../core/access/access-jwt.ts";
import { importJwks } from "../../core/access/jwks.ts";
import { readAtMost } from "../../platform/bounded-read.ts";
import { log } from "../../platform/log.ts";
import { withTimeout } from "../../platform/with-timeout.ts";

/**
 * The Access team's signing keys, kept per isolate (docs/decisions/0046-access-sign-in.md):
 * read from <team domain>/cdn-cgi/access/certs at most once an hour, and
 * again when a token names a kid the set lacks (Access rotates its keys) but
 * not more than once a minute, so tokens with made-up kids cannot make every
 * request fetch. A set that could not be read signs nobody in; one read
 * earlier still serves for a day while the team's domain does not answer.
 */
export const KEYS_FRESH_MS = 3_600_000;
export const UNKNOWN_KID_REFETCH_MS = 60_000;
/** After a failed read, the next try waits this long: a down JWKS is not asked on every request. */
export const FAILED_RETRY_MS = 10_000;
export const STALE_USABLE_MS = 86_400_000;
/** Access's key set is about 2 KB. */
export const JWKS_MAX_BYTES = 64 * 1024;
export const JWKS_TIMEOUT_MS = 5_000;

interface Entry {
  keys: Map<string, CryptoKey> | null;
  fetchedAt: number;
  attemptedAt: number;
  reading: Promise<void> | null;
}

export interface TeamKeysOptions {
  now?: () => number;
  timeoutMs?: number;
}

export class TeamKeys {
  readonly #entries = new Map<string, Entry>();
  readonly #now: () => number;
  readonly #timeoutMs: number;

  constructor(options: TeamKeysOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#timeoutMs = options.timeoutMs ?? JWKS_TIMEOUT_MS;
  }

  /** The lookup verifyAccessJwt asks for a kid, for this team. */
  lookup(teamDomain: string): KeyLookup {
    return (kid) => this.#keyFor(jwksUrl(teamDomain), kid);
  }

  async #keyFor(url: string, kid: string): Promise<CryptoKey | null | "unavailable"> {
    let entry = this.#entries.get(url);
    if (!entry) {
      // A handful of team domains at most (one per config); a changed one leaves its old entry behind, harmlessly.
      entry = { keys: null, fetchedAt: 0, attemptedAt: Number.NEGATIVE_INFINITY, reading: null };
      this.#entries.set(url, entry);
    }
    const now = this.#now();
    const sinceAttempt = now - entry.attemptedAt;
    const due =
      entry.keys === null || now - entry.fetchedAt >= KEYS_FRESH_MS
        ? sinceAttempt >= FAILED_RETRY_MS
        : !entry.keys.has(kid) && sinceAttempt >= UNKNOWN_KID_REFETCH_MS;
    if (due) {
      // Requests that arrive together share one read.
      entry.reading ??= this.#read(url, entry).finally(() => {
        if (entry) entry.reading = null;
      });
      await entry.reading;
    } else if (entry.reading) {
      await entry.reading;
    }
    if (entry.keys === null || this.#now() - entry.fetchedAt >= STALE_USABLE_MS) return "unavailable";
    return entry.keys.get(kid) ?? null;
  }

  async #read(url: string, entry: Entry): Promise<void> {
    entry.attemptedAt = this.#now();
    try {
      const keys = await withTimeout(readKeySet(url), this.#timeoutMs);
      if (!keys) throw new Error("not a key set");
      entry.keys = keys;
      entry.fetchedAt = this.#now();
    } catch (error) {
      log.warn("console.access_keys_unreadable", { url, error });
    }
  }
}

async function readKeySet(url: string): Promise<Map<string, CryptoKey> | null> {
  const response = await fetch(url, { redirect: "manual", headers: { accept: "application/json" } });
  if (response.status !== 200) {
    response.body?.cancel().catch(() => undefined);
    throw new Error(`the key set answered ${response.status}`);
  }
  const { bytes, truncated } = await readAtMost(response.body, JWKS_MAX_BYTES);
  if (truncated) throw new Error(`the key set is over ${JWKS_MAX_BYTES} bytes`);
  return importJwks(new TextDecoder().decode(bytes));
}

/** The isolate's one cache: every console request in it shares the keys. */
export const teamKeys = new TeamKeys();
