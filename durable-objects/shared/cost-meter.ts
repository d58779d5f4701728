import { DurableObject } from "cloudflare:workers";
import { log } from "../../worker/platform/log.ts";

/**
 * What a Durable Object costs on Cloudflare's bill, counted inside the object
 * (docs/reference/cloudflare-platform.md, "List prices"): requests (each RPC
 * method call and each alarm), SQLite rows read and written (the cursors'
 * own `rowsRead`/`rowsWritten`, which count the way the bill does), `setAlarm()`
 * calls (each billed as a row written) and active wall time (time with at least
 * one invocation in flight, awaiting a fetch included).
 *
 * An object opts in with one line in its constructor, right after `super()`:
 *
 *     this.ctx = meterCosts(this, this.ctx, "StatusPage");
 *
 * and from then on uses `this.ctx` (never the raw `ctx` parameter): every
 * storage call through it is counted, and its prototype's public methods and
 * `alarm` are wrapped so that each call from outside is one request. A public
 * method the object calls itself from within the synchronous part of another
 * is part of that request; called after an `await`, it would count as a
 * request of its own, so objects call private methods (`#name`) internally.
 * A class that is no DurableObject (RateLimiter, on itty-durable) names its
 * entry points instead: `meterCosts(this, state, "RateLimiter", ["fetch"])`.
 *
 * Each request ends with one `cost` line at debug level (production logs at
 * info, so it prints nothing there) carrying what the object spent since its
 * previous line: summing an object's lines gives exact totals even when
 * invocations interleave, and lines survive eviction where counters in memory
 * would not. The benchmark sums them (bench/cost.ts).
 */
export function meterCosts<State extends ObjectState>(
  object: object,
  ctx: State,
  className: string,
  entryPoints: readonly string[] = publicMethods(Object.getPrototypeOf(object)),
): State {
  const meter = new CostMeter(className, ctx.id.name ?? null);
  meters.set(object, meter);
  wrapEntryPoints(Object.getPrototypeOf(object), entryPoints);
  return meteredState(ctx, meter);
}

/** What the meter needs of a Durable Object's `ctx` (whatever its props' type). */
type ObjectState = Pick<DurableObjectState, "storage" | "id">;

/** One `cost` line: what an object spent since its previous line, ending with a call of `method`. */
export interface CostLine {
  object: string;
  name: string | null;
  method: string;
  rowsRead: number;
  rowsWritten: number;
  setAlarms: number;
  activeMs: number;
}

interface CursorSeen {
  cursor: SqlStorageCursor<Record<string, SqlStorageValue>>;
  read: number;
  written: number;
}

/** More cursors than this waiting for a tally while invocations overlap without pause: fold them in early. */
const MAX_CURSORS = 10_000;

class CostMeter {
  readonly object: string;
  readonly name: string | null;
  /** Set while a wrapped method's synchronous part runs: a public method called from it is no new request. */
  busy = false;
  /** Cursors made since nothing was in flight; their counters grow as they are read, so each is tallied by delta. */
  #cursors: CursorSeen[] = [];
  #rowsRead = 0;
  #rowsWritten = 0;
  #setAlarms = 0;
  #inFlight = 0;
  /** Start of the current active stretch; the object's construction (migrations) opens the first one. */
  #activeSince: number | null = Date.now();
  #activeMs = 0;

  constructor(object: string, name: string | null) {
    this.object = object;
    this.name = name;
  }

  cursor<C extends SqlStorageCursor<Record<string, SqlStorageValue>>>(cursor: C): C {
    this.#cursors.push({ cursor, read: 0, written: 0 });
    if (this.#cursors.length > MAX_CURSORS) this.#tally(true);
    return cursor;
  }

  rows(read: number, written: number): void {
    this.#rowsRead += read;
    this.#rowsWritten += written;
  }

  setAlarm(): void {
    this.#setAlarms++;
  }

  begin(): void {
    if (this.#inFlight++ === 0) this.#activeSince ??= Date.now();
  }

  end(method: string): void {
    this.#inFlight--;
    const now = Date.now();
    if (this.#activeSince !== null) this.#activeMs += now - this.#activeSince;
    this.#activeSince = this.#inFlight > 0 ? now : null;
    this.#tally(this.#inFlight === 0);
    const line: CostLine = {
      object: this.object,
      name: this.name,
      method,
      rowsRead: this.#rowsRead,
      rowsWritten: this.#rowsWritten,
      setAlarms: this.#setAlarms,
      activeMs: this.#activeMs,
    };
    this.#rowsRead = this.#rowsWritten = this.#setAlarms = this.#activeMs = 0;
    log.debug("cost", { ...line });
  }

  /** Adds what each cursor read and wrote since it was last looked at; forgets them all when `forget`. */
  #tally(forget: boolean): void {
    for (const seen of this.#cursors) {
      const { rowsRead, rowsWritten } = seen.cursor;
      this.rows(rowsRead - seen.read, rowsWritten - seen.written);
      seen.read = rowsRead;
      seen.written = rowsWritten;
    }
    if (forget) this.#cursors = [];
  }
}

const meters = new WeakMap<object, CostMeter>();
const wrapped = new WeakSet<object>();

/** A class's own RPC surface: its prototype chain's methods up to the runtime's base class. */
function publicMethods(prototype: object): string[] {
  const names = new Set<string>();
  for (let p = prototype; p && p !== DurableObject.prototype && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    for (const name of Object.getOwnPropertyNames(p)) {
      const descriptor = Object.getOwnPropertyDescriptor(p, name);
      if (name !== "constructor" && typeof descriptor?.value === "function") names.add(name);
    }
  }
  return [...names];
}

/** Wraps each entry point once per class, where it is found on the prototype chain, as a method of `prototype`. */
function wrapEntryPoints(prototype: object, entryPoints: readonly string[]): void {
  if (wrapped.has(prototype)) return;
  wrapped.add(prototype);
  const methods = prototype as Record<string, unknown>;
  for (const name of entryPoints) {
    const original = methods[name];
    if (typeof original !== "function") continue;
    Object.defineProperty(prototype, name, {
      configurable: true,
      writable: true,
      value: function metered(this: object, ...args: unknown[]) {
        const meter = meters.get(this);
        if (!meter || meter.busy) return original.apply(this, args);
        meter.begin();
        meter.busy = true;
        let result: unknown;
        try {
          result = original.apply(this, args);
        } catch (error) {
          meter.end(name);
          throw error;
        } finally {
          meter.busy = false;
        }
        if (!(result instanceof Promise)) {
          meter.end(name);
          return result;
        }
        return result.finally(() => meter.end(name));
      },
    });
  }
}

/** `ctx` with its storage counted; everything else is the runtime's own. */
function meteredState<State extends ObjectState>(ctx: State, meter: CostMeter): State {
  const storage = meteredStorage(ctx.storage, meter);
  return new Proxy(ctx, { get: (target, key) => (key === "storage" ? storage : own(target, key)) });
}

function meteredStorage(storage: DurableObjectStorage, meter: CostMeter): DurableObjectStorage {
  const sql = new Proxy(storage.sql, {
    get: (target, key) =>
      key === "exec"
        ? (query: string, ...params: unknown[]) => meter.cursor(target.exec(query, ...params))
        : own(target, key),
  });
  // The key-value calls (itty-durable's) store rows in a hidden table and expose no cursor: one row per key.
  const keys = (key: string | string[]) => (Array.isArray(key) ? key.length : 1);
  const entries = (value: unknown) => (typeof value === "object" && value !== null ? Object.keys(value).length : 1);
  const counted: Partial<Record<keyof DurableObjectStorage, unknown>> = {
    sql,
    setAlarm: (time: number | Date, options?: DurableObjectSetAlarmOptions) => {
      meter.setAlarm();
      return storage.setAlarm(time, options);
    },
    get: (key: string | string[], options?: DurableObjectGetOptions) => {
      meter.rows(keys(key), 0);
      return storage.get(key as string, options);
    },
    put: (key: string | Record<string, unknown>, value?: unknown, options?: DurableObjectPutOptions) => {
      meter.rows(0, typeof key === "string" ? 1 : entries(key));
      return typeof key === "string" ? storage.put(key, value, options) : storage.put(key, value as never);
    },
    delete: (key: string | string[], options?: DurableObjectPutOptions) => {
      meter.rows(0, keys(key));
      return storage.delete(key as string, options);
    },
  };
  return new Proxy(storage, { get: (target, key) => (key in counted ? counted[key as never] : own(target, key)) });
}

/** A property of a runtime object, its methods bound to it (they refuse any other `this`). */
function own(target: object, key: string | symbol): unknown {
  const value = Reflect.get(target, key);
  return typeof value === "function" ? value.bind(target) : value;
}
