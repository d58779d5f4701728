import { runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { SCHEMA_VERSION } from "../../durable-objects/status-page/schema.ts";
import type { StatusPage } from "../../durable-objects/status-page/status-page.ts";
import { ROLE_NAMES } from "../../worker/core/access/roles.ts";
import { allows, SCOPES, type Scope, scopesNeeded } from "../../worker/core/access/scopes.ts";
import { OPERATIONS, type OperationId, type OperationSpec } from "../../worker/core/api/operations.ts";
import { FLAGS } from "../../worker/core/flags.ts";
import { COMPONENT_STATUSES, IMPACTS, INCIDENT_STATUSES, MAINTENANCE_STATUSES } from "../../worker/core/statuses.ts";
import { CONFIRM_LINK_MS, confirmPath } from "../../worker/core/subscribers/links.ts";
import { LINK_SECRET_FOR_TESTS } from "../helpers/test-secrets.ts";
import { applyChannels, insertAlert } from "../helpers/workers/alert-rows.ts";
import { ADMIN, api } from "../helpers/workers/api.ts";
import { pinFlags } from "../helpers/workers/flags.ts";
import { kick } from "../helpers/workers/kicks.ts";
import { fetchWorker, pageObject, smallConfig } from "../helpers/workers/worker.ts";

/**
 * Property-based fuzzing of the communicator API: thousands of generated
 * requests at every operation of worker/core/api/operations.ts (incidents,
 * maintenances, reports, tokens, flags, webhooks, holds of domains and
 * endpoints, backups), real and garbage ids and domains, unknown paths, wrong
 * methods, mutated bodies, raw bytes, odd headers and query strings, against a
 * page seeded with subscribers, webhook endpoints and holds. Some run one at a
 * time, some several at once. Whatever arrives, the API must
 *
 *   1. never answer 5xx,
 *   2. answer every 4xx with `{ error: { code, message, fields? } }` as JSON,
 *   3. change nothing when it refuses (checked against a dump of every table
 *      in the StatusPage object, audit log and idempotency keys included,
 *      around single requests and around batches sent at once).
 *
 * fast-check picks the seed and prints it with the shrunk request on failure;
 * to replay one, put its `seed` and `path` in REPLAY below.
 */
const REPLAY: { seed?: number; path?: string } = {};

/** Runs with a state dump before and after each request. */
const FINGERPRINTED_RUNS = 1_200;
/** Runs that check status and error shape only (the dump costs more than the request). */
const FAST_RUNS = 2_000;
/** Requests sent at once in each run of the fast property. */
const BATCH = 4;
/** Batches sent at once with a state dump around each: when all of a batch is refused or reads, nothing changed. */
const CONCURRENT_FINGERPRINTED_RUNS = 200;
/** Per operation, in the sweep that reaches each one: well-formed requests (one must succeed) and malformed ones. */
const SWEEP_WELL_FORMED = 12;
const SWEEP_MALFORMED = 4;
/** Bodies over the 1 MB limit, and over it for the import's larger one. */
const OVERSIZED_RUNS = 8;
/** Exports with a few cells changed, imported (into a page emptied for each run) and then read back. */
const CORRUPT_IMPORT_RUNS = 100;
/** Broken exports sent to a page that is still empty, so an import really gets to write before it fails. */
const EMPTY_PAGE_IMPORT_RUNS = 60;

const TIMEOUT = 180_000;

/** The test webhook receiver (test/helpers/node/webhook-receiver.ts): endpoints the seed and the fuzz register point there. */
const RECEIVER = (env as unknown as { WEBHOOK_RECEIVER: string }).WEBHOOK_RECEIVER;

// ---------------------------------------------------------------------------
// What the page holds, read around each request
// ---------------------------------------------------------------------------

/**
 * Columns that legitimately move without a write of the caller's: a token's
 * `last_used_at` records that it was presented (at most once a minute), which
 * happens for a refused request too. Everything else must hold still.
 */
const VOLATILE: Record<string, readonly string[]> = { api_tokens: ["last_used_at"] };

type Dump = Record<string, string[]>;

/** Every row of every table in the page's object (meta, idempotency keys and sqlite_sequence included), sorted. */
function dumpState(): Promise<Dump> {
  return runInDurableObject(pageObject(), (_instance: StatusPage, state) => {
    const sql = state.storage.sql;
    const tables = sql
      .exec<{ name: string }>(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
      .toArray()
      .map((row) => row.name)
      .filter((name) => !name.startsWith("_cf_"));
    const dump: Dump = {};
    for (const table of tables) {
      const cursor = sql.exec(`SELECT * FROM "${table}"`);
      const rows = [...cursor.raw()];
      const columns = cursor.columnNames;
      const volatile = VOLATILE[table] ?? [];
      dump[table] = rows
        .map((row) =>
          JSON.stringify(
            Object.fromEntries(
              columns.map((column, i) => [column, volatile.includes(column) ? "(volatile)" : (row[i] ?? null)]),
            ),
          ),
        )
        .sort();
    }
    return dump;
  });
}

/** The rows one dump has that the other lacks, table by table. */
function differences(before: Dump, after: Dump): string[] {
  const found: string[] = [];
  for (const table of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const was = before[table] ?? [];
    const is = after[table] ?? [];
    const wasSet = new Set(was);
    const isSet = new Set(is);
    for (const row of is) if (!wasSet.has(row)) found.push(`${table} + ${clip(row, 400)}`);
    for (const row of was) if (!isSet.has(row)) found.push(`${table} - ${clip(row, 400)}`);
    if (was.length !== is.length && found.length === 0) found.push(`${table}: ${was.length} rows became ${is.length}`);
  }
  return found;
}

// ---------------------------------------------------------------------------
// Requests as plain data, so fast-check can shrink and print them
// ---------------------------------------------------------------------------

type BodyPlan =
  | { kind: "none" }
  | { kind: "json"; value: unknown }
  | { kind: "text"; text: string }
  | { kind: "bytes"; bytes: number[] }
  /** Built when sent, so the counterexample stays readable. */
  | { kind: "huge"; size: number; style: "json-string" | "json-array" | "not-json" };

interface Plan {
  /** The operation the path was built from, or "unknown". */
  aim: string;
  /** The part of the request deliberately got wrong. */
  fault: Fault;
  method: string;
  /** After /api/v1, as sent (the URL parser may still normalise it). */
  path: string;
  query: string;
  authorization: string | null;
  contentType: string | null;
  ifMatch: string | null;
  idempotencyKey: string | null;
  body: BodyPlan;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} chars)`;
}

/** A short, printable account of a request: long strings are cut, huge bodies described. */
function describePlan(plan: Plan): string {
  const shown = JSON.stringify(plan, (_key, value: unknown) =>
    typeof value === "string"
      ? clip(value, 120)
      : Array.isArray(value) && value.length > 40
        ? clip(JSON.stringify(value), 200)
        : value,
  );
  return clip(shown, 3_000);
}

/** fast-check prints counterexamples with this, instead of megabytes of generated strings. */
function printable(plan: Plan): Plan {
  return Object.defineProperty(plan, fc.toStringMethod, { value: () => describePlan(plan), enumerable: false });
}

/** A well-formed import of `doc` with the bootstrap token: only the document is under test. */
function importPlan(doc: unknown): Plan {
  return printable({
    aim: "backup.import",
    fault: "body",
    method: "POST",
    path: "/import",
    query: "",
    authorization: `Bearer ${ADMIN}`,
    contentType: "application/json",
    ifMatch: null,
    idempotencyKey: null,
    body: { kind: "json", value: doc },
  });
}

function bodyBytes(body: BodyPlan): Uint8Array | undefined {
  const encode = (text: string) => new TextEncoder().encode(text);
  switch (body.kind) {
    case "none":
      return undefined;
    case "json": {
      const text = JSON.stringify(body.value);
      return encode(text ?? "");
    }
    case "text":
      return encode(body.text);
    case "bytes":
      return new Uint8Array(body.bytes);
    case "huge":
      if (body.style === "json-string") return encode(`{"name":"${"x".repeat(body.size)}","message":"m"}`);
      if (body.style === "json-array") return encode(`[${"1,".repeat(Math.ceil(body.size / 2))}1]`);
      return new Uint8Array(body.size).fill(0x41);
  }
}

function toRequest(plan: Plan): Request | null {
  const headers = new Headers();
  try {
    if (plan.authorization !== null) headers.set("authorization", plan.authorization);
    if (plan.contentType !== null) headers.set("content-type", plan.contentType);
    if (plan.ifMatch !== null) headers.set("if-match", plan.ifMatch);
    if (plan.idempotencyKey !== null) headers.set("idempotency-key", plan.idempotencyKey);
    const method = plan.method.toUpperCase();
    const body = method === "GET" || method === "HEAD" ? undefined : bodyBytes(plan.body);
    return new Request(`https://status.test/api/v1${plan.path}${plan.query}`, { method: plan.method, headers, body });
  } catch (error) {
    // A header value or method no HTTP client could send (fetch refuses it before it leaves).
    if (error instanceof TypeError) return null;
    throw error;
  }
}

interface Answer {
  status: number;
  contentType: string;
  text: string;
  /** The path the Worker saw, after the URL parser resolved `..` and friends. */
  pathname: string;
  method: string;
}

async function send(plan: Plan): Promise<Answer | null> {
  const request = toRequest(plan);
  if (!request) return null;
  const url = new URL(request.url);
  const response = await (exports as unknown as { default: Fetcher }).default.fetch(request);
  return {
    status: response.status,
    contentType: response.headers.get("content-type") ?? "",
    text: await response.text(),
    pathname: url.pathname,
    method: request.method,
  };
}

/** Is this an answer of the communicator API, rather than of a page or v2 route a `..` led to? */
function fromApiV1(answer: Answer): boolean {
  const { pathname } = answer;
  if (pathname === "/api/v1/docs") return false;
  return pathname === "/api/v1" || pathname.startsWith("/api/v1/");
}

/** Assertions 1 and 2: no 5xx anywhere, and every API 4xx in the one error shape. */
function checkAnswer(plan: Plan, answer: Answer): void {
  const context = () =>
    `${answer.method} ${answer.pathname} -> ${answer.status} ${clip(answer.text, 600)}\n  request: ${describePlan(plan)}`;
  if (answer.status >= 500) throw new Error(`server error: ${context()}`);
  if (!fromApiV1(answer)) return;
  if (!((answer.status >= 200 && answer.status < 300) || (answer.status >= 400 && answer.status < 500))) {
    throw new Error(`neither success nor client error: ${context()}`);
  }
  if (!answer.contentType.toLowerCase().startsWith("application/json")) {
    throw new Error(`not JSON (content-type "${answer.contentType}"): ${context()}`);
  }
  if (answer.method === "HEAD") return;
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch {
    throw new Error(`body does not parse as JSON: ${context()}`);
  }
  if (answer.status >= 400) {
    const problem = errorShapeProblem(body);
    if (problem) throw new Error(`error shape: ${problem}: ${context()}`);
  }
}

/**
 * What a success may be: an operation of the table reached with a credential
 * holding its scope, answering with the operation's success status.
 */
function checkSuccess(plan: Plan, answer: Answer): void {
  if (answer.status >= 300 || !fromApiV1(answer)) return;
  const context = () => `${answer.method} ${answer.pathname} -> ${answer.status}\n  request: ${describePlan(plan)}`;
  if (answer.pathname === "/api/v1/openapi.json" && answer.method === "GET") return;
  const method = answer.method === "HEAD" ? "GET" : answer.method;
  const operation = (Object.values(OPERATIONS) as OperationSpec[]).find(
    (spec) =>
      spec.method.toUpperCase() === method &&
      new RegExp(`^/api/v1${spec.path.replace(/:[a-z]+/g, "[^/]+")}$`).test(answer.pathname),
  );
  if (!operation) throw new Error(`a success from no operation: ${context()}`);
  if (answer.status !== operation.success) throw new Error(`expected ${operation.success}: ${context()}`);
  // The router reads "<scheme> <token>" and ignores anything after a second space.
  const [scheme, token] = (plan.authorization ?? "").split(" ", 2);
  const scopes = scheme?.toLowerCase() === "bearer" && token ? CREDENTIALS.get(token) : undefined;
  if (!allows((scopes ?? []) as Scope[], operation)) {
    const needed = scopesNeeded(operation.scope);
    throw new Error(`a success without a credential holding the "${needed.join('", "')}" scopes: ${context()}`);
  }
}

function errorShapeProblem(body: unknown): string | null {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return "not an object";
  const keys = Object.keys(body);
  if (keys.length !== 1 || keys[0] !== "error") return `top-level keys ${JSON.stringify(keys)}`;
  const error = (body as { error: unknown }).error;
  if (typeof error !== "object" || error === null || Array.isArray(error)) return "error is not an object";
  const { code, message, fields, ...rest } = error as Record<string, unknown>;
  if (Object.keys(rest).length > 0) return `unexpected keys ${Object.keys(rest).join(", ")}`;
  if (typeof code !== "string" || code.length === 0) return "error.code is not a non-empty string";
  if (typeof message !== "string" || message.length === 0) return "error.message is not a non-empty string";
  if (fields !== undefined) {
    if (!Array.isArray(fields)) return "error.fields is not an array";
    for (const field of fields) {
      if (typeof field !== "object" || field === null) return "a field problem is not an object";
      const { path, message: said, ...more } = field as Record<string, unknown>;
      if (typeof path !== "string" || typeof said !== "string" || Object.keys(more).length > 0) {
        return `a field problem is not { path, message }: ${JSON.stringify(field)}`;
      }
    }
  }
  return null;
}

/** Sends one request and checks assertions 1 and 2; with `fingerprint`, assertion 3 as well. */
async function exercise(plan: Plan, fingerprint: boolean): Promise<Answer> {
  const before = fingerprint ? await dumpState() : null;
  const answer = await send(plan);
  fc.pre(answer !== null);
  if (!answer) throw new Error("unreachable");
  checkAnswer(plan, answer);
  checkSuccess(plan, answer);
  if (before && fromApiV1(answer)) {
    const refused = answer.status >= 400;
    const read = answer.method === "GET" || answer.method === "HEAD";
    if (refused || read) {
      const changed = differences(before, await dumpState());
      if (changed.length > 0) {
        throw new Error(
          `a ${refused ? "refused" : "read"} request changed the page (${answer.method} ${answer.pathname} -> ${answer.status} ${clip(answer.text, 300)}):\n  ${changed.slice(0, 20).join("\n  ")}\n  request: ${describePlan(plan)}`,
        );
      }
    }
  }
  return answer;
}

// ---------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Flag names the generated requests may set. The two notification flags stay
 * off (seed() pins them): with them on, the outbox alarm would deliver the
 * seeded subscribers' and endpoints' rows in the background, and a dump around
 * a refused request would see the alarm's writes rather than the request's.
 */
const NOTIFYING = ["email_notifications", "webhook_notifications"];
const FUZZ_FLAGS = Object.keys(FLAGS).filter((name) => !NOTIFYING.includes(name));

/**
 * ASCII a header value may carry (fetch refuses NUL, CR and LF). Values above
 * U+007F are left out: workerd sends them as UTF-8 with a warning on stderr
 * each time, and the router's checks are on the ASCII range anyway.
 */
const headerValue = (maxLength = 40) =>
  fc.string({
    unit: fc
      .oneof(
        { weight: 8, arbitrary: fc.integer({ min: 0x21, max: 0x7e }) },
        fc.constantFrom(0x20, 0x09, 0x01, 0x08, 0x1b, 0x1f, 0x7f),
      )
      .map((code) => String.fromCharCode(code)),
    maxLength,
  });

const longString = (min: number, max: number, char = "x") =>
  fc.integer({ min, max }).map((length) => char.repeat(length));

const anyText = fc.oneof(
  { weight: 6, arbitrary: fc.string({ minLength: 1, maxLength: 30 }) },
  fc.string({ unit: "grapheme", minLength: 1, maxLength: 12 }),
  fc.string({ unit: "binary", maxLength: 12 }),
  fc.constantFrom(
    "",
    " ",
    "\n\t",
    "\u0000",
    "\u202e",
    "<script>alert(1)</script>",
    "'; DROP TABLE incidents; --",
    "🙂",
  ),
);

const nonBlank = (text: string) => text.trim().length > 0;

/** Text a person might type: never blank, mostly short. */
const goodText = fc.oneof(
  { weight: 8, arbitrary: fc.string({ minLength: 1, maxLength: 30 }).filter(nonBlank) },
  fc.string({ unit: "grapheme", minLength: 1, maxLength: 12 }).filter(nonBlank),
  fc.constantFrom("<script>alert(1)</script>", "'; DROP TABLE incidents; --", "🙂", "\u202e rtl", "line\nbreak"),
);

/** Text for a field limited to `max` characters: mostly fine, at times at or just over the limit, blank or far over. */
const textUpTo = (max: number) =>
  fc.oneof(
    { weight: 24, arbitrary: goodText },
    fc.constant("t".repeat(max)),
    fc.integer({ min: max + 1, max: max + 2 }).map((length) => "t".repeat(length)),
    anyText,
    longString(max * 3, max * 3 + 10, "u"),
  );

const COMPONENT_IDS = ["api", "web", "nope", "API", "-api", "a".repeat(64), "__proto__", "constructor"] as const;
const componentId = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom("api", "web") },
  fc.constantFrom(...COMPONENT_IDS),
);

/** ISO instants near now, far away, and in the formats a datetime parser might half-accept. */
function instant(around: () => number) {
  const odd = fc
    .tuple(
      fc.integer({ min: -40 * DAY, max: 40 * DAY }),
      fc.constantFrom("Z", "z", "+00:00", "-00:00", "+0000", "+00", "+05:30", "-23:59", "+24:00", "+14:00", ""),
      fc.integer({ min: 0, max: 9 }),
      fc.boolean(),
    )
    .map(([offset, zone, digits, seconds]) => {
      const base = new Date(around() + offset).toISOString(); // 2025-01-01T12:34:56.789Z
      const date = base.slice(0, 16);
      const secs = seconds ? base.slice(16, 19) : "";
      const fraction = seconds && digits > 0 ? `.${"123456789".slice(0, digits)}` : "";
      return `${date}${secs}${fraction}${zone}`;
    });
  return fc.oneof(
    {
      weight: 6,
      arbitrary: fc.integer({ min: -30 * DAY, max: 30 * DAY }).map((d) => new Date(around() + d).toISOString()),
    },
    { weight: 3, arbitrary: odd },
    fc.integer({ min: -62_167_219_200_000, max: 253_402_300_799_999 }).map((ms) => new Date(ms).toISOString()),
    fc.constantFrom(
      "2024-02-30T00:00:00Z",
      "2023-02-29T00:00:00Z",
      "2024-13-01T00:00:00Z",
      "0000-01-01T00:00:00Z",
      "9999-12-31T23:59:59.999Z",
      "+275760-09-13T00:00:00.000Z",
      "-000001-01-01T00:00:00.000Z",
      "2024-01-01",
      "2024-01-01T00:00:00",
      "2024-01-01T24:00:00Z",
      "2024-01-01T23:59:60Z",
      "2024-01-01 00:00:00Z",
      "now",
      "",
    ),
  );
}

type Rec = Record<string, unknown>;

/** Optional keys: present or absent, the way a client would send them. */
function someOf(model: Record<string, fc.Arbitrary<unknown>>, required: string[] = []): fc.Arbitrary<Rec> {
  return fc.record(model, { requiredKeys: required }) as fc.Arbitrary<Rec>;
}

/** Every live credential the fuzz presents, and its scopes (filled in by the seed). */
const CREDENTIALS = new Map<string, readonly string[]>([[ADMIN, SCOPES]]);

interface World {
  incidents: string[];
  maintenances: string[];
  tokenIds: string[];
  /** Secrets of tokens with some scopes. */
  scoped: string[];
  revoked: string;
  exportDoc: Rec;
  /**
   * Webhook endpoints no generated request can delete (plain, following components, paused, held,
   * mid-rotation): the operations under /webhooks/:id/… and /holds/webhooks/:id aim at these.
   */
  webhooks: string[];
  /** Endpoints to read, edit and delete at /webhooks/:id, where a wrong method may be a DELETE. */
  disposableWebhooks: string[];
  /** The seeded subscribers' mail domains (one of them held). */
  domains: string[];
  /** Subscribers at fuzz-c.example, the ones subscribers.remove may erase (a and b keep theirs). */
  subscribers: string[];
  /** Alerts in every status (open, acknowledged, resolved), for /alerts/:id/…. */
  alerts: string[];
  /** The alert channels of the page's alerting config (one held), for /alert-channels/:channel/… and channel holds. */
  alertChannels: string[];
}

/** A plausible body for each operation, from its schema in worker/core/api/schemas.ts. */
function validBodies(now: () => number, world: World): Partial<Record<OperationId, fc.Arbitrary<unknown>>> {
  const when = instant(now);
  const past = fc.integer({ min: 1, max: 10 * DAY }).map((d) => new Date(now() - d).toISOString());
  const person = fc.oneof({ weight: 10, arbitrary: goodText }, fc.constant(null), textUpTo(100));
  const status = fc.oneof({ weight: 20, arbitrary: fc.constantFrom(...COMPONENT_STATUSES) }, fc.constant("fine"));
  const components = fc.dictionary(componentId, status, { maxKeys: 3 });
  const componentList = fc.array(componentId, { minLength: 1, maxLength: 3 });
  const notify = fc.boolean();
  const visibility = fc.constantFrom("public", "internal");
  const windowFrom = fc.integer({ min: -2 * DAY, max: 5 * DAY });
  const url = fc.oneof(
    { weight: 10, arbitrary: fc.webUrl() },
    fc.constantFrom("ftp://x.test/a", "javascript:alert(1)", "not a url", null),
  );
  /** Where an endpoint may point: mostly the test receiver (nothing is sent while the fuzz runs), or anything. */
  const hookUrl = fc.oneof(
    { weight: 6, arbitrary: fc.nat({ max: 20 }).map((n) => `${RECEIVER}/hooks/fuzz-${n}`) },
    { weight: 2, arbitrary: fc.webUrl() },
    fc.constantFrom(
      "ftp://x.test/a",
      "javascript:alert(1)",
      "http://169.254.169.254/latest/meta-data",
      "http://[::1]/x",
      "https://user:pass@hooks.example/x",
      "not a url",
      "",
      `https://hooks.example/${"p".repeat(2_000)}`,
    ),
  );
  return {
    "incidents.create": someOf(
      {
        name: textUpTo(255),
        message: textUpTo(10_000),
        status: fc.oneof(
          { weight: 20, arbitrary: fc.constantFrom("investigating", "identified", "monitoring", "resolved") },
          fc.constant("postmortem"),
        ),
        impact: fc.constantFrom(...IMPACTS),
        components,
        visibility,
        startedAt: fc.oneof(past, when),
        lead: person,
        communicator: person,
        scribe: person,
        investigator: person,
        notify,
      },
      ["name", "message"],
    ),
    "incidents.edit": someOf({
      name: textUpTo(255),
      impact: fc.constantFrom(...IMPACTS),
      visibility,
      startedAt: fc.oneof(past, when),
      lead: person,
      communicator: person,
      scribe: person,
      investigator: person,
    }),
    "incidents.notes.create": someOf({ message: textUpTo(10_000) }, ["message"]),
    "incidents.updates.create": someOf(
      { status: fc.constantFrom(...INCIDENT_STATUSES), message: textUpTo(10_000), components, notify },
      ["status", "message"],
    ),
    // The same body as posting it: a preview is checked as a post is.
    "incidents.updates.preview": someOf(
      { status: fc.constantFrom(...INCIDENT_STATUSES), message: textUpTo(10_000), components, notify },
      ["status", "message"],
    ),
    "reports.put": someOf(
      {
        summary: textUpTo(50_000),
        whoWasAffected: fc.oneof({ weight: 8, arbitrary: goodText }, anyText),
        whatHappened: fc.oneof({ weight: 8, arbitrary: goodText }, anyText),
        prevention: fc.oneof({ weight: 8, arbitrary: goodText }, anyText),
        followUps: fc.array(someOf({ title: textUpTo(255), owner: person, url, done: fc.boolean() }, ["title"]), {
          maxLength: 3,
        }),
      },
      ["summary", "whoWasAffected", "whatHappened", "prevention"],
    ),
    "reports.publish": someOf({ notify }),
    "maintenances.create": fc.tuple(windowFrom, fc.integer({ min: -HOUR, max: 3 * DAY })).chain(([from, length]) =>
      someOf(
        {
          name: textUpTo(255),
          message: textUpTo(10_000),
          scheduledFor: fc.oneof({ weight: 4, arbitrary: fc.constant(new Date(now() + from).toISOString()) }, when),
          scheduledUntil: fc.oneof(
            { weight: 4, arbitrary: fc.constant(new Date(now() + from + length).toISOString()) },
            when,
          ),
          components: componentList,
          visibility,
          notify,
        },
        ["name", "message", "scheduledFor", "scheduledUntil", "components"],
      ),
    ),
    "maintenances.edit": someOf({
      name: textUpTo(255),
      scheduledFor: fc.integer({ min: -DAY, max: 5 * DAY }).map((d) => new Date(now() + d).toISOString()),
      scheduledUntil: fc.oneof(
        fc.integer({ min: -DAY, max: 6 * DAY }).map((d) => new Date(now() + d).toISOString()),
        when,
      ),
      components: componentList,
    }),
    "maintenances.updates.create": someOf(
      { status: fc.constantFrom(...MAINTENANCE_STATUSES), message: textUpTo(10_000), notify },
      ["status", "message"],
    ),
    "maintenances.cancel": someOf({ message: textUpTo(10_000), notify }),
    "tokens.create": someOf(
      {
        name: textUpTo(100),
        scopes: fc.oneof(
          fc.subarray([...SCOPES], { minLength: 1 }),
          fc.array(fc.constantFrom(...SCOPES, "admin", "*"), { maxLength: 10 }),
        ),
      },
      ["name", "scopes"],
    ),
    "people.put": someOf({ role: fc.constantFrom(...ROLE_NAMES) }, ["role"]),
    "flags.set": someOf({ value: fc.constantFrom(true, false, null), reason: textUpTo(500) }, ["value"]),
    "webhooks.create": someOf(
      {
        url: hookUrl,
        components: fc.oneof(fc.constant(null), fc.array(componentId, { maxLength: 3 })),
        description: fc.oneof(fc.constant(null), textUpTo(500)),
      },
      ["url"],
    ),
    "webhooks.edit": someOf({
      url: hookUrl,
      components: fc.oneof(fc.constant(null), fc.array(componentId, { maxLength: 3 })),
      description: fc.oneof(fc.constant(null), textUpTo(500)),
      enabled: fc.boolean(),
    }),
    "webhooks.rotate": someOf({
      overlapSeconds: fc.oneof(
        { weight: 6, arbitrary: fc.integer({ min: 0, max: 7 * 86_400 }) },
        fc.constantFrom(-1, 7 * 86_400 + 1, 1.5, 1e12),
      ),
    }),
    "backup.import": fc.constant(structuredClone(world.exportDoc)),
  };
}

/** Values of the wrong kind for any field. */
const junk: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1.5, -0, 1e308, Number.MAX_SAFE_INTEGER + 2, "", " ", "null", "[]"),
  fc.string({ maxLength: 20 }),
  fc.integer(),
  fc.double({ noNaN: true }),
  fc.jsonValue({ maxDepth: 3 }),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
  longString(256, 200_000, "y"),
  fc.integer({ min: 20, max: 3_000 }).map((depth) => nest(depth)),
);

function nest(depth: number): unknown {
  let value: unknown = "bottom";
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? [value] : { x: value };
  return value;
}

/** One edit somewhere inside a body: `steps` pick the container, `key` what to touch. */
interface Mutation {
  steps: number[];
  action: "set" | "delete" | "add" | "wrap";
  key: string;
  pick: number;
  value: unknown;
}

function mutation(keys: readonly string[]): fc.Arbitrary<Mutation> {
  return fc.record({
    steps: fc.array(fc.nat(), { maxLength: 3 }),
    action: fc.constantFrom("set", "set", "delete", "add", "wrap"),
    key: fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...(keys.length > 0 ? keys : ["name"])) },
      fc.constantFrom("__proto__", "constructor", "toString", "extra", "", "NAME", "id", "revision", "actor"),
      fc.string({ maxLength: 10 }),
    ),
    pick: fc.nat(),
    value: junk,
  });
}

function applyMutations(original: unknown, mutations: Mutation[]): unknown {
  let root = structuredClone(original);
  for (const m of mutations) {
    if (typeof root !== "object" || root === null) {
      root = m.value;
      continue;
    }
    // Walk down to a container.
    let parent = root as Rec | unknown[];
    for (const step of m.steps) {
      const entries = Object.keys(parent);
      if (entries.length === 0) break;
      const key = entries[step % entries.length] as string;
      const child = (parent as Rec)[key];
      if (typeof child !== "object" || child === null) break;
      parent = child as Rec | unknown[];
    }
    const existing = Object.keys(parent);
    const target = m.action === "add" || existing.length === 0 ? m.key : (existing[m.pick % existing.length] as string);
    if (m.action === "delete") {
      delete (parent as Rec)[target];
    } else if (m.action === "wrap") {
      (parent as Rec)[target] = [(parent as Rec)[target]];
    } else {
      try {
        // defineProperty, so "__proto__" becomes a key the JSON carries rather than a prototype.
        Object.defineProperty(parent, target, { value: m.value, enumerable: true, writable: true, configurable: true });
      } catch {
        // An array's "length" refuses most values; the mutation is simply skipped.
      }
    }
  }
  return root;
}

/** Bodies that are not JSON at all, or barely. */
const rawText = fc.oneof(
  fc.constantFrom(
    "{",
    '{"name":',
    "null",
    "true",
    "0",
    '""',
    "[]",
    "{}",
    '{"a":1}{"b":2}',
    "{'name':'x'}",
    '{"name":"x",}',
    "\ufeff{}",
    "\ufeff\ufeff{}",
    "NaN",
    "undefined",
    '{"__proto__":{"admin":true},"name":"x","message":"y"}',
    '{"constructor":{"prototype":{"admin":true}}}',
    '{"name":"a","name":5,"message":"m"}',
    '{"name":"\\ud800","message":"lone surrogate"}',
    '{"name":"\\u0000","message":"nul"}',
    "name=x&message=y",
    '--xyz\r\nContent-Disposition: form-data; name="name"\r\n\r\nx\r\n--xyz--',
    `${"[".repeat(100_000)}${"]".repeat(100_000)}`,
    '{"a":'.repeat(50_000),
    `{"value":${"1".repeat(400)}}`,
    '{"value":1e999}',
  ),
  fc.string({ unit: "binary", maxLength: 60 }),
  fc.string({ maxLength: 60 }),
  fc.jsonValue({ maxDepth: 2 }).map((value) => `${JSON.stringify(value)} trailing`),
);

/** Byte sequences that are not UTF-8, or are UTF-8 in disguise. */
const rawBytes = fc.oneof(
  fc.constantFrom(
    [0xff],
    [0xc3],
    [0xed, 0xa0, 0x80],
    [0xc0, 0xaf],
    [0xf8, 0x88, 0x80, 0x80, 0x80],
    [0xef, 0xbb, 0xbf, 0x7b, 0x7d],
    [0xfe, 0xff, 0x00, 0x7b, 0x00, 0x7d],
    [0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00],
    [0x7b, 0x22, 0x6e, 0x61, 0x6d, 0x65, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d],
    [0x00],
  ),
  fc.uint8Array({ maxLength: 80 }).map((bytes) => [...bytes]),
);

function bodyPlans(valid: fc.Arbitrary<unknown> | undefined, keys: readonly string[]): fc.Arbitrary<BodyPlan> {
  const json = (value: fc.Arbitrary<unknown>) => value.map((v): BodyPlan => ({ kind: "json", value: v }));
  const plans: fc.WeightedArbitrary<BodyPlan>[] = [
    { weight: 2, arbitrary: json(fc.jsonValue({ maxDepth: 3 })) },
    { weight: 1, arbitrary: fc.constant<BodyPlan>({ kind: "none" }) },
    { weight: 1, arbitrary: fc.constant<BodyPlan>({ kind: "bytes", bytes: [] }) },
    { weight: 2, arbitrary: rawText.map((text): BodyPlan => ({ kind: "text", text })) },
    { weight: 2, arbitrary: rawBytes.map((bytes): BodyPlan => ({ kind: "bytes", bytes: [...bytes] })) },
    {
      weight: 2,
      arbitrary: json(fc.dictionary(fc.constantFrom(...(keys.length > 0 ? keys : ["x"])), junk, { maxKeys: 6 })),
    },
  ];
  if (valid) {
    plans.push({ weight: 8, arbitrary: json(valid) });
    plans.push({
      weight: 10,
      arbitrary: fc
        .tuple(valid, fc.array(mutation(keys), { minLength: 1, maxLength: 3 }))
        .map(([body, mutations]): BodyPlan => ({ kind: "json", value: applyMutations(body, mutations) })),
    });
  }
  return fc.oneof(...plans);
}

/** Methods a client can send (workerd refuses unknown ones before they leave). */
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "patch", "Post", "PURGE", "PROPFIND"];

const GARBAGE_IDS = [
  "..",
  "../",
  "../..",
  "%2e%2e",
  "..%2F..%2Ftokens",
  "%00",
  "a%00b",
  "%",
  "%zz",
  "%E0%A4%A",
  "%ff%fe",
  "a%2Fb",
  "%3F",
  "%23",
  "%20",
  " ",
  "\u202e",
  "🙂",
  "日本",
  "bootstrap",
  "null",
  "undefined",
  "__proto__",
  "constructor",
  "0",
  "A1",
  "x'; DROP TABLE incidents; --",
  "*",
  "a".repeat(40),
  "a".repeat(41),
  "probing",
  "automatic_incidents",
];

/** Mail domains for /holds/domains/:domain: the seeded subscribers' own, others, and what no domain looks like. */
function domainArb(world: World) {
  return fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...world.domains) },
    fc.constantFrom(
      "example.com",
      "EXAMPLE.com",
      "localhost",
      "a.b",
      "-bad.example",
      "bad-.example",
      "xn--bcher-kva.example",
      `${"a".repeat(64)}.example`,
      `${"a.".repeat(130)}example`,
      "exa_mple.com",
      "example..com",
      ".example.com",
      "example.com.",
      "1.2.3.4",
      "[::1]",
      "%2e%2e",
      "fuzz-a.example%00",
    ),
    fc.domain(),
    idArb([]),
  );
}

function idArb(real: readonly string[]) {
  return fc.oneof(
    { weight: real.length > 0 ? 8 : 0, arbitrary: fc.constantFrom(...(real.length > 0 ? real : ["x"])) },
    { weight: 3, arbitrary: fc.constantFrom(...GARBAGE_IDS) },
    fc.string({ unit: "binary", maxLength: 40 }).map(encodeURIComponent),
    fc.string({ minLength: 1, maxLength: 50 }),
    fc.string({ unit: "grapheme", minLength: 1, maxLength: 10 }),
    fc.stringMatching(/^[a-z0-9]{1,40}$/),
    longString(41, 20_000, "a"),
  );
}

const QUERY_KEYS = [
  "limit",
  "cursor",
  "status",
  "visibility",
  "before",
  "after",
  "offset",
  "__proto__",
  "constructor",
  "",
  "limit[]",
];
const QUERY_VALUES = [
  "-1",
  "0",
  "1",
  "25",
  "100",
  "101",
  "200",
  "201",
  "abc",
  "1e3",
  "1e1",
  "1.5",
  "NaN",
  "Infinity",
  "-0",
  "0x10",
  " 5",
  "",
  "9".repeat(400),
  "open",
  "resolved",
  "investigating",
  "postmortem",
  "scheduled",
  "completed",
  "public",
  "internal",
  "1700000000000.abc",
  "9999999999999999.zzzzzzzzz",
  "0.0",
  "garbage",
  "1.",
  ".a",
  "-1.a",
  "%00",
  "%ff",
  "%",
];

const queryArb = fc.oneof(
  { weight: 5, arbitrary: fc.constant("") },
  {
    weight: 4,
    arbitrary: fc
      .array(
        fc.tuple(
          fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...QUERY_KEYS) }, fc.string({ maxLength: 8 })),
          fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...QUERY_VALUES) }, fc.string({ maxLength: 20 })),
        ),
        { minLength: 1, maxLength: 4 },
      )
      .chain((pairs) =>
        fc
          .boolean()
          .map((raw) =>
            raw ? `?${pairs.map(([k, v]) => `${k}=${v}`).join("&")}` : `?${new URLSearchParams(pairs).toString()}`,
          ),
      ),
  },
  fc.string({ unit: "binary", maxLength: 40 }).map((junkQuery) => `?${junkQuery}`),
  fc.constantFrom("?", "??", "?&&", "?=", "?limit", "?limit=1&limit=abc", `?cursor=${"9".repeat(5000)}`),
);

function authorizationArb(world: World) {
  return fc.oneof(
    { weight: 12, arbitrary: fc.constant(`Bearer ${ADMIN}`) },
    { weight: 3, arbitrary: fc.constantFrom(...world.scoped).map((t) => `Bearer ${t}`) },
    { weight: 1, arbitrary: fc.constant(`Bearer ${world.revoked}`) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        null,
        "",
        "Bearer",
        "Bearer ",
        `bearer ${ADMIN}`,
        `BEARER ${ADMIN}`,
        `Basic ${btoa(`admin:${ADMIN}`)}`,
        `Token ${ADMIN}`,
        ADMIN,
        `Bearer  ${ADMIN}`,
        `Bearer\t${ADMIN}`,
        `Bearer ${ADMIN}x`,
        `Bearer "${ADMIN}"`,
        `Bearer lk_${"0".repeat(40)}`,
        `Bearer ${"x".repeat(512)}`,
        `Bearer ${"x".repeat(513)}`,
        `Bearer ${"x".repeat(20_000)}`,
        "Bearer a\u0001b",
      ),
    },
    { weight: 1, arbitrary: headerValue(60).map((v) => `Bearer ${v}`) },
    { weight: 1, arbitrary: headerValue(60) },
  );
}

const contentTypeArb = fc.oneof(
  { weight: 12, arbitrary: fc.constant("application/json") },
  { weight: 2, arbitrary: fc.constant(null) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      "application/json; charset=utf-8",
      "APPLICATION/JSON",
      " application/json ;",
      "application/json;charset=latin1",
      "text/plain",
      "text/plain;charset=UTF-8",
      "multipart/form-data; boundary=xyz",
      "application/x-www-form-urlencoded",
      "application/jsonx",
      "application/problem+json",
      "application/merge-patch+json",
      "json",
      "",
      ";",
      "*/*",
    ),
  },
  { weight: 1, arbitrary: headerValue(30) },
);

const ifMatchArb = fc.oneof(
  { weight: 6, arbitrary: fc.constant(null) },
  { weight: 4, arbitrary: fc.constant("*") },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 40 }).map((r) => `"r${r}"`) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      "",
      'W/"r1"',
      "r1",
      '"r1", "r2"',
      '"r1",*',
      ",",
      '""',
      '"r-1"',
      '"r1e3"',
      `"r${"9".repeat(400)}"`,
      '"r1',
    ),
  },
  { weight: 1, arbitrary: headerValue(40) },
);

const idempotencyKeyArb = fc.oneof(
  { weight: 10, arbitrary: fc.constant(null) },
  { weight: 3, arbitrary: fc.constantFrom("k1", "k2", "k3") },
  { weight: 1, arbitrary: fc.stringMatching(/^[\x21-\x7e]{1,40}$/) },
  {
    weight: 2,
    arbitrary: fc.oneof(
      longString(256, 4_000, "k"),
      fc.constant("k".repeat(255)),
      fc.constantFrom("", "a b", "a\tb", "a\u0001b", "a\u007fb", " k"),
      headerValue(30),
    ),
  },
);

function headersOf(world: World) {
  return {
    authorization: authorizationArb(world),
    contentType: contentTypeArb,
    ifMatch: ifMatchArb,
    idempotencyKey: idempotencyKeyArb,
    query: queryArb,
  };
}

/** A query string the operation accepts. */
function goodQuery(id: OperationId, world: World): fc.Arbitrary<string> {
  const encode = (params: Rec) =>
    Object.keys(params).length === 0 ? "" : `?${new URLSearchParams(params as Record<string, string>).toString()}`;
  const cursor = fc
    .tuple(fc.integer({ min: 0, max: 9_999_999_999_999 }), fc.constantFrom(...world.incidents, ...world.maintenances))
    .map(([at, anId]) => `${at}.${anId}`);
  if (id === "incidents.list") {
    return someOf({
      status: fc.constantFrom("open", ...INCIDENT_STATUSES),
      visibility: fc.constantFrom("public", "internal"),
      limit: fc.integer({ min: 1, max: 100 }).map(String),
      cursor,
    }).map(encode);
  }
  if (id === "maintenances.list") {
    return someOf({
      status: fc.constantFrom(...MAINTENANCE_STATUSES),
      order: fc.constantFrom("desc", "asc"),
      limit: fc.integer({ min: 1, max: 100 }).map(String),
      cursor,
    }).map(encode);
  }
  if (id === "alerts.list") {
    const alertCursor = fc
      .tuple(fc.integer({ min: 0, max: 9_999_999_999_999 }), fc.constantFrom(...world.alerts))
      .map(([at, anId]) => `${at}.${anId}`);
    return someOf({
      status: fc.constantFrom("active", "open", "acknowledged", "resolved", "all"),
      limit: fc.integer({ min: 1, max: 100 }).map(String),
      cursor: alertCursor,
    }).map(encode);
  }
  if (id === "holds.lift" || id === "holds.liftWebhook" || id === "holds.liftChannel") {
    return someOf({ pending: fc.constantFrom("send", "drop") }).map(encode);
  }
  if (id === "subscribers.list") {
    return someOf({
      q: fc.constantFrom("reader", "FUZZ-A.example", "reader1@fuzz-b.example"),
      match: fc.constantFrom("contains", "exact"),
      state: fc.constantFrom("pending", "confirmed", "unsubscribed", "bounced"),
      limit: fc.integer({ min: 1, max: 100 }).map(String),
    }).map(encode);
  }
  if (id === "audit.list") {
    return someOf({
      limit: fc.integer({ min: 1, max: 200 }).map(String),
      before: fc.integer({ min: 1, max: 100_000 }).map(String),
    }).map(encode);
  }
  return fc.constant("");
}

/** What a request gets wrong: nothing, one thing, or everything at once. */
const FAULTS = [
  "none",
  "authorization",
  "path",
  "method",
  "query",
  "contentType",
  "ifMatch",
  "idempotencyKey",
  "body",
  "everything",
] as const;
type Fault = (typeof FAULTS)[number];

/**
 * Requests aimed at one operation. Each is well-formed but for its `fault`,
 * so most get past the edge into the handlers (and some succeed and change
 * the page, which later requests then meet); "everything" draws every part
 * from the junk generators.
 */
function planFor(
  id: OperationId,
  spec: OperationSpec,
  world: World,
  valid: fc.Arbitrary<unknown> | undefined,
  options: { admin?: boolean } = {},
): fc.Arbitrary<Plan> {
  const keys = spec.body && "shape" in spec.body ? Object.keys((spec.body as unknown as { shape: Rec }).shape) : [];
  // Stable endpoints stay out: a path fault on /webhooks/:id with a DELETE would remove them.
  const realIds = [...world.incidents, ...world.maintenances, ...world.tokenIds, ...world.disposableWebhooks];
  const preferred =
    id.startsWith("incidents") || id.startsWith("reports")
      ? world.incidents
      : id.startsWith("maintenances")
        ? world.maintenances
        : id.startsWith("tokens")
          ? world.tokenIds
          : id === "subscribers.remove"
            ? world.subscribers
            : id === "webhooks.get" || id === "webhooks.edit" || id === "webhooks.delete"
              ? world.disposableWebhooks
              : id.startsWith("webhooks") || id === "holds.holdWebhook" || id === "holds.liftWebhook"
                ? world.webhooks
                : id.startsWith("alerts.")
                  ? world.alerts
                  : realIds;
  const fill = (anId: string, name: string, domain: string, channel: string) =>
    spec.path
      .replace(":id", anId)
      .replace(":name", name)
      .replace(":domain", domain)
      .replace(":channel", channel)
      // A person for Access sign-in (people.put/delete): one address is enough to reach the operation.
      .replace(":email", "fuzz-person@acme.example");
  const goodPath = fc
    .tuple(
      fc.constantFrom(...preferred),
      fc.constantFrom(...FUZZ_FLAGS),
      fc.constantFrom(...world.domains),
      fc.constantFrom(...world.alertChannels),
    )
    .map(([a, n, d, ch]) => fill(a, n, d, ch));
  const names = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...FUZZ_FLAGS) },
    fc.constantFrom(
      "nope_flag",
      "PROBING",
      "probing ",
      "probing%00",
      "__proto__",
      "constructor",
      "tostring",
      "a".repeat(61),
    ),
    idArb(FUZZ_FLAGS),
  );
  const badPath = fc
    .tuple(
      fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...realIds) }, idArb(realIds)),
      names,
      domainArb(world),
      fc.constantFrom("", "", "/", "//", "/x", "?", "#frag", "/.", "/.."),
      fc.oneof(
        fc.constantFrom(...world.alertChannels),
        fc.constantFrom("no-such-channel", "Ops_Slack", "-x", "a".repeat(64)),
      ),
    )
    .map(([anId, name, domain, tail, channel]) => `${fill(anId, name, domain, channel)}${tail}`);
  const good = {
    authorization: options.admin
      ? fc.constant(`Bearer ${ADMIN}`)
      : fc.oneof(
          { weight: 4, arbitrary: fc.constant(`Bearer ${ADMIN}`) },
          fc.constantFrom(...world.scoped).map((t) => `Bearer ${t}`),
        ),
    method: fc.constant(spec.method.toUpperCase()),
    path: goodPath,
    query: goodQuery(id, world),
    contentType: fc.constantFrom("application/json", "application/json; charset=utf-8"),
    ifMatch: spec.ifMatch
      ? fc.oneof(
          { weight: 3, arbitrary: fc.constant("*") },
          fc.integer({ min: 1, max: 8 }).map((r) => `"r${r}"`),
        )
      : fc.constant(null),
    idempotencyKey:
      spec.method === "post"
        ? fc.oneof(
            { weight: 3, arbitrary: fc.constant(null) },
            fc.constantFrom("k1", "k2", "k3"),
            fc.stringMatching(/^[\x21-\x7e]{1,40}$/),
          )
        : fc.constant(null),
    body: valid ? valid.map((value): BodyPlan => ({ kind: "json", value })) : fc.constant<BodyPlan>({ kind: "none" }),
  };
  const bad = {
    ...headersOf(world),
    method: fc.constantFrom(...METHODS),
    path: badPath,
    body: bodyPlans(valid, keys),
  };
  const plans = FAULTS.map((fault) => {
    const pick = <K extends keyof typeof good>(part: K) =>
      (fault === part || fault === "everything" ? bad[part] : good[part]) as fc.Arbitrary<unknown>;
    return fc.record({
      aim: fc.constant(id as string),
      fault: fc.constant(fault),
      method: pick("method"),
      path: pick("path"),
      query: pick("query"),
      authorization: pick("authorization"),
      contentType: pick("contentType"),
      ifMatch: pick("ifMatch"),
      idempotencyKey: pick("idempotencyKey"),
      body: pick("body"),
    }) as fc.Arbitrary<Plan>;
  });
  return fc
    .oneof({ weight: 3, arbitrary: plans[0] as fc.Arbitrary<Plan> }, ...plans.slice(1), {
      weight: 2,
      arbitrary: plans.at(-1) as fc.Arbitrary<Plan>,
    })
    .map(printable);
}

const UNKNOWN_PATHS = [
  "",
  "/",
  "//",
  "/incidents/",
  "/incidents//updates",
  "/INCIDENTS",
  "/Incidents",
  "/incidents/x/y/z",
  "/incidents/x/report/publish/now",
  "/incidents/x/updates/y",
  "/tokens/x/y",
  "/flags/",
  "/export/",
  "/export.json",
  "/audit/1",
  "/import/x",
  "/openapi.json/x",
  "/%2e%2e/v2/summary.json",
  "/incidents%2F",
  "/v1",
  "/api/v1/incidents",
  "/subscribers",
  "/components",
  "/.well-known/security.txt",
  "/incidents;x=1",
  "/incidents\\x",
];

function unknownPlans(world: World): fc.Arbitrary<Plan> {
  const segment = fc.oneof(
    fc.webSegment(),
    fc.constantFrom(...GARBAGE_IDS, "incidents", "tokens", "flags", "maintenances", "report", "updates"),
    fc.string({ maxLength: 12 }),
  );
  const path = fc.oneof(
    { weight: 2, arbitrary: fc.constantFrom(...UNKNOWN_PATHS) },
    fc.array(segment, { minLength: 1, maxLength: 5 }).map((segments) => `/${segments.join("/")}`),
  );
  return fc
    .record({
      aim: fc.constant("unknown"),
      fault: fc.constant<Fault>("path"),
      method: fc.constantFrom(...METHODS),
      path,
      ...headersOf(world),
      body: bodyPlans(undefined, []),
    })
    .map(printable);
}

function planArb(world: World, now: () => number): fc.Arbitrary<Plan> {
  const valid = validBodies(now, world);
  const perOperation = (Object.entries(OPERATIONS) as [OperationId, OperationSpec][]).map(([id, spec]) =>
    planFor(id, spec, world, spec.body ? valid[id] : undefined),
  );
  return fc.oneof(...perOperation, unknownPlans(world));
}

// ---------------------------------------------------------------------------
// The page under test
// ---------------------------------------------------------------------------

/**
 * A page with no monitors, so nothing but these requests writes to it while
 * the fuzz runs (the deployed config's monitors would report in the background).
 */
async function quietPage(): Promise<void> {
  await pageObject().reconcile(smallConfig);
  await kick();
}

async function ok<T = Rec>(method: string, path: string, options: Parameters<typeof api>[2] = {}): Promise<T & Rec> {
  const response = await api(method, path, options);
  expect(response.status, `${method} ${path}: ${JSON.stringify(response.body)}`).toBeLessThan(300);
  return response.body;
}

async function seed(): Promise<World> {
  // The scoped tokens stay valid throughout (no generated revoke aims at them); the disposable ones are there to revoke.
  const scoped: string[] = [];
  for (const scopes of [
    ["incidents"],
    ["maintenances", "reports"],
    ["audit", "flags", "backup"],
    ["subscribers"],
    ["read"],
  ]) {
    const created = await ok<{ token: string }>("POST", "/tokens", {
      body: { name: `fuzz ${scopes.join("+")}`, scopes },
    });
    scoped.push(created.token);
    CREDENTIALS.set(created.token, scopes);
  }
  const tokenIds: string[] = [];
  for (let i = 0; i < 6; i++) {
    const created = await ok<{ id: string }>("POST", "/tokens", {
      body: { name: `disposable ${i}`, scopes: ["audit"] },
    });
    tokenIds.push(created.id);
  }
  const revoked = await ok<{ id: string; token: string }>("POST", "/tokens", {
    body: { name: "fuzz revoked", scopes: [...SCOPES] },
  });
  await ok("DELETE", `/tokens/${revoked.id}`);
  tokenIds.push(revoked.id);

  const incidents: string[] = [];
  const declare = async (body: Rec) => {
    const created = await ok<{ id: string }>("POST", "/incidents", { body: { message: "Looking.", ...body } });
    incidents.push(created.id);
    return created.id;
  };
  const post = (id: string, status: string) =>
    ok("POST", `/incidents/${id}/updates`, { body: { status, message: `Now ${status}.` } });
  const saveReport = (id: string) =>
    ok("PUT", `/incidents/${id}/report`, {
      headers: { "if-match": "*" },
      body: { summary: "s", whoWasAffected: "w", whatHappened: "h", prevention: "p", followUps: [{ title: "t" }] },
    });
  await declare({ name: "Investigating", components: { api: "major_outage" }, impact: "major" });
  await declare({ name: "Identified", status: "identified", components: { web: "partial_outage" } });
  await declare({ name: "Monitoring", status: "monitoring" });
  await declare({ name: "Quiet", impact: "none" });
  await declare({ name: "Internal drill", visibility: "internal" });
  await declare({ name: "Internal too", visibility: "internal", status: "identified" });
  const resolved = await declare({ name: "Resolved", components: { web: "degraded_performance" } });
  await post(resolved, "resolved");
  await saveReport(resolved);
  const resolvedToo = await declare({ name: "Resolved too" });
  await post(resolvedToo, "resolved");
  await saveReport(resolvedToo);
  await declare({ name: "Resolved without report", status: "resolved" });
  // Reports saved and not yet published, so that publishing has something to succeed at for a while.
  for (let i = 0; i < 6; i++) {
    const ready = await declare({ name: `Ready to publish ${i}`, status: "resolved" });
    await saveReport(ready);
  }
  const published = await declare({ name: "Published" });
  await post(published, "resolved");
  await saveReport(published);
  await ok("POST", `/incidents/${published}/report/publish`, { body: {} });

  const maintenances: string[] = [];
  const schedule = async (from: number, until: number, components: string[]) => {
    const created = await ok<{ id: string }>("POST", "/maintenances", {
      body: {
        name: "Window",
        message: "Planned work.",
        scheduledFor: new Date(Date.now() + from).toISOString(),
        scheduledUntil: new Date(Date.now() + until).toISOString(),
        components,
      },
    });
    maintenances.push(created.id);
    return created.id;
  };
  for (let i = 1; i <= 8; i++) await schedule(i * DAY, (i + 1) * DAY, i % 2 ? ["api"] : ["api", "web"]);
  await schedule(-HOUR, DAY, ["web"]);
  await schedule(-2 * HOUR, 2 * DAY, ["api"]);
  const cancelled = await schedule(3 * DAY, 4 * DAY, ["api", "web"]);
  await ok("POST", `/maintenances/${cancelled}/cancel`, { body: {} });

  // Who is told: subscribers at three domains (one held), endpoints in every state an operator can leave one.
  await pinFlags({ new_subscriptions: true, email_notifications: false, webhook_notifications: false });
  const domains = ["fuzz-a.example", "fuzz-b.example", "fuzz-c.example"];
  let client = 0;
  for (const [i, domain] of domains.entries()) {
    for (const [j, components] of [[], ["api"], ["api", "web"]].entries()) {
      const address = `reader${j}@${domain}`;
      const form = new URLSearchParams({ email: address });
      for (const component of components) form.append("components", component);
      const subscribed = await fetchWorker("/subscribe", {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          "cf-connecting-ip": `198.51.100.${200 + client++}`,
          origin: "https://status.test",
          "sec-fetch-site": "same-origin",
        },
        body: form.toString(),
      });
      expect(subscribed.status, address).toBe(200);
      if ((i + j) % 2 === 0) continue;
      const id = await runInDurableObject(
        pageObject(),
        (_: StatusPage, state) =>
          state.storage.sql.exec<{ id: string }>(`SELECT id FROM subscribers WHERE address = ?`, address).one().id,
      );
      const confirmed = await fetchWorker(await confirmPath(LINK_SECRET_FOR_TESTS, id, Date.now() + CONFIRM_LINK_MS), {
        method: "POST",
        redirect: "manual",
        headers: { origin: "https://status.test", "sec-fetch-site": "same-origin" },
      });
      expect(confirmed.status, address).toBe(303);
    }
  }
  const subscribers = await runInDurableObject(pageObject(), (_: StatusPage, state) =>
    state.storage.sql
      .exec<{ id: string }>(`SELECT id FROM subscribers WHERE domain = 'fuzz-c.example' ORDER BY id`)
      .toArray()
      .map((row) => row.id),
  );
  const webhooks: string[] = [];
  const endpoint = async (body: Rec) => {
    const created = await ok<{ id: string }>("POST", "/webhooks", {
      body: { url: `${RECEIVER}/hooks/fuzz-seed`, ...body },
    });
    webhooks.push(created.id);
    return created.id;
  };
  await endpoint({});
  await endpoint({ components: ["api"], description: "API only" });
  const paused = await endpoint({ components: ["web"] });
  await ok("PATCH", `/webhooks/${paused}`, { body: { enabled: false } });
  const held = await endpoint({ components: null });
  await ok("PUT", `/holds/webhooks/${held}`);
  const rotated = await endpoint({ description: "mid-rotation" });
  await ok("POST", `/webhooks/${rotated}/rotate-secret`, { body: { overlapSeconds: 3_600 } });
  await ok("PUT", `/holds/domains/${domains[0]}`);
  const disposableWebhooks: string[] = [];
  for (let i = 0; i < 16; i++) {
    const created = await ok<{ id: string }>("POST", "/webhooks", {
      body: { url: `${RECEIVER}/hooks/fuzz-disposable`, components: i % 2 ? ["web"] : null },
    });
    disposableWebhooks.push(created.id);
  }
  // Something for them all to wait for.
  await declare({ name: "After the subscribers", components: { api: "partial_outage" } });
  await ok("POST", `/webhooks/${webhooks[0]}/test`);

  // Alert channels and alerts in every status, written as the alerting code leaves them.
  const alertChannels = (
    await applyChannels([
      { id: "fuzz-slack", kind: "slack", urlSecret: "FUZZ_SLACK_URL" },
      { id: "fuzz-pager", kind: "pagerduty", routingKeySecret: "FUZZ_PD_KEY" },
      { id: "fuzz-mail", kind: "email", to: "oncall@example.com" },
    ])
  ).map((channel) => channel.id);
  await ok("PUT", `/holds/channels/${alertChannels[0]}`);
  const alerts: string[] = [];
  for (const status of ["open", "open", "open", "acknowledged", "resolved"] as const) {
    alerts.push(await insertAlert({ status }));
  }

  const exportDoc = await ok("GET", "/export");
  const waiting = await runInDurableObject(pageObject(), (_: StatusPage, state) =>
    state.storage.sql
      .exec<{ channel: string }>(`SELECT DISTINCT channel FROM outbox WHERE state = 'pending' ORDER BY channel`)
      .toArray()
      .map((row) => row.channel),
  );
  expect(waiting).toEqual(["email", "webhook"]);
  return {
    incidents,
    maintenances,
    tokenIds,
    scoped,
    revoked: revoked.token,
    exportDoc,
    webhooks,
    disposableWebhooks,
    domains,
    subscribers,
    alerts,
    alertChannels,
  };
}

// ---------------------------------------------------------------------------
// Imports into an empty page: the one operation that deletes before it checks everything
// ---------------------------------------------------------------------------

type ExportTables = Record<string, { columns: string[]; rows: unknown[][] }>;

/** A defect the import must refuse, placed after earlier tables were already replaced. */
type Defect =
  | { kind: "row-length"; table: number }
  | { kind: "unknown-column"; table: number }
  | { kind: "duplicate-row"; table: number }
  | { kind: "null-in-not-null"; table: number }
  | { kind: "unknown-table"; name: string }
  | { kind: "newer-schema"; by: number };

function brokenImport(base: Rec): fc.Arbitrary<{ doc: Rec; defect: Defect; drops: boolean[] }> {
  const tables = base.tables as ExportTables;
  const names = Object.keys(tables);
  const withRows = names.map((name, i) => [name, i] as const).filter(([name]) => (tables[name]?.rows.length ?? 0) > 0);
  const defect: fc.Arbitrary<Defect> = fc.oneof(
    { weight: 3, arbitrary: fc.nat({ max: names.length - 1 }).map((table): Defect => ({ kind: "row-length", table })) },
    {
      weight: 3,
      arbitrary: fc.nat({ max: names.length - 1 }).map((table): Defect => ({ kind: "unknown-column", table })),
    },
    {
      weight: 3,
      arbitrary: fc
        .constantFrom(...withRows.map(([, i]) => i))
        .map((table): Defect => ({ kind: "duplicate-row", table })),
    },
    {
      weight: 2,
      arbitrary: fc
        .constantFrom(...withRows.map(([, i]) => i))
        .map((table): Defect => ({ kind: "null-in-not-null", table })),
    },
    fc
      .constantFrom("meta", "idempotency_keys", "sqlite_sequence", "nope", "_cf_kv")
      .map((name): Defect => ({ kind: "unknown-table", name })),
    fc.integer({ min: 1, max: 1_000 }).map((by): Defect => ({ kind: "newer-schema", by })),
  );
  return fc
    .record({ defect, drops: fc.array(fc.boolean(), { minLength: names.length, maxLength: names.length }) })
    .map(({ defect, drops }) => {
      const doc = structuredClone(base);
      const t = doc.tables as ExportTables;
      // Tables replaced before the defect differ from what the page holds, so a missed rollback shows.
      names.forEach((name, i) => {
        const table = t[name];
        if (table && drops[i]) table.rows = table.rows.slice(0, Math.floor(table.rows.length / 2));
      });
      const at = (index: number) => t[names[index] as string] as { columns: string[]; rows: unknown[][] };
      switch (defect.kind) {
        case "row-length":
          at(defect.table).rows.push(["too", "short"].slice(0, Math.max(0, at(defect.table).columns.length - 1)));
          break;
        case "unknown-column": {
          const table = at(defect.table);
          table.columns.push("no_such_column");
          for (const row of table.rows) row.push(null);
          break;
        }
        case "duplicate-row": {
          const table = at(defect.table);
          const original = (tables[names[defect.table] as string] as { rows: unknown[][] }).rows[0] as unknown[];
          table.rows.push(structuredClone(original), structuredClone(original));
          break;
        }
        case "null-in-not-null": {
          const table = at(defect.table);
          const original = (tables[names[defect.table] as string] as { rows: unknown[][] }).rows[0] as unknown[];
          // Every exported table has at least one NOT NULL column besides its key; null them all.
          table.rows.push(original.map(() => null));
          break;
        }
        case "unknown-table":
          t[defect.name] = { columns: ["x"], rows: [[1]] };
          break;
        case "newer-schema":
          doc.schemaVersion = SCHEMA_VERSION + defect.by;
          break;
      }
      return { doc, defect, drops };
    });
}

// ---------------------------------------------------------------------------

describe("the communicator API under generated requests", () => {
  beforeAll(async () => {
    await quietPage();
  });

  it(
    "refuses broken imports into an empty page and rolls back the tables it already replaced",
    async () => {
      const base = await ok("GET", "/export");
      const first = await dumpState();
      // Empty as the import counts it: no incidents or tokens, and no audit lines but Lookout's own (config applied).
      expect(first.incidents).toEqual([]);
      expect(first.api_tokens).toEqual([]);
      expect(first.audit_log?.filter((row) => !row.includes('"actor":"lookout"'))).toEqual([]);
      await fc.assert(
        fc.asyncProperty(
          brokenImport(base).map((sample) =>
            Object.defineProperty(sample, fc.toStringMethod, {
              value: () => `${JSON.stringify(sample.defect)} drops=${JSON.stringify(sample.drops)}`,
            }),
          ),
          async ({ doc }) => {
            const plan = importPlan(doc);
            const answer = await exercise(plan, true);
            expect(answer.status, answer.text).toBeGreaterThanOrEqual(400);
          },
        ),
        { numRuns: EMPTY_PAGE_IMPORT_RUNS, ...REPLAY },
      );
      expect(differences(first, await dumpState())).toEqual([]);
    },
    TIMEOUT,
  );

  describe("on a page with incidents, maintenances, reports, tokens, subscribers, webhook endpoints and holds", () => {
    let world: World;
    beforeAll(async () => {
      world = await seed();
    }, TIMEOUT);

    it(
      "reaches every operation of the table with well-formed requests, and refuses malformed ones without a change",
      async () => {
        const operations = Object.entries(OPERATIONS) as [OperationId, OperationSpec][];
        const valid = validBodies(Date.now, world);
        const unreached: string[] = [];
        for (const [index, [id, spec]] of operations.entries()) {
          const plans = fc.sample(planFor(id, spec, world, spec.body ? valid[id] : undefined, { admin: true }), {
            numRuns: 400,
            seed: 1_000 + index,
          });
          const wellFormed = plans.filter((plan) => plan.fault === "none").slice(0, SWEEP_WELL_FORMED);
          const malformed = plans
            .filter((plan) => plan.fault === (spec.body ? "body" : "path"))
            .slice(0, SWEEP_MALFORMED);
          expect(wellFormed, id).toHaveLength(SWEEP_WELL_FORMED);
          expect(malformed, id).toHaveLength(SWEEP_MALFORMED);
          let succeeded = 0;
          for (const plan of wellFormed) {
            // Every parameter filled in: a `:domain` left in the path is a request to no operation.
            expect(plan.path, id).not.toMatch(/:[a-z]/);
            const answer = await exercise(plan, true);
            if (answer.status < 300) succeeded++;
          }
          for (const plan of malformed) await exercise(plan, true);
          // An import into a page that holds incidents is refused by design (the import tests empty the page first).
          if (succeeded === 0 && id !== "backup.import") unreached.push(id);
        }
        expect(unreached, "operations no well-formed request succeeded at").toEqual([]);
      },
      TIMEOUT,
    );

    it(
      `answers ${FINGERPRINTED_RUNS} generated requests without a 5xx, in the error shape, and a refusal changes nothing`,
      async () => {
        await fc.assert(
          fc.asyncProperty(planArb(world, Date.now), async (plan) => {
            await exercise(plan, true);
          }),
          { numRuns: FINGERPRINTED_RUNS, ...REPLAY },
        );
      },
      TIMEOUT,
    );

    it(
      `answers ${FAST_RUNS} more, up to ${BATCH} at once, without a 5xx and in the error shape`,
      async () => {
        await fc.assert(
          fc.asyncProperty(fc.array(planArb(world, Date.now), { minLength: 1, maxLength: BATCH }), async (plans) => {
            // Concurrent requests meet in the object's input gate: retries of one key, edits of one incident.
            await Promise.all(plans.map((plan) => exercise(plan, false)));
          }),
          { numRuns: FAST_RUNS, ...REPLAY },
        );
      },
      TIMEOUT,
    );

    it(
      `sends ${CONCURRENT_FINGERPRINTED_RUNS} batches of requests at once; a batch all refused or reading changes nothing`,
      async () => {
        let quiet = 0;
        await fc.assert(
          fc.asyncProperty(fc.array(planArb(world, Date.now), { minLength: 2, maxLength: BATCH }), async (plans) => {
            const before = await dumpState();
            const answers = await Promise.all(
              plans.map(async (plan) => {
                const answer = await send(plan);
                if (answer) {
                  checkAnswer(plan, answer);
                  checkSuccess(plan, answer);
                }
                return answer;
              }),
            );
            const changedNothing = answers.every(
              (a) => a === null || a.status >= 400 || a.method === "GET" || a.method === "HEAD" || !fromApiV1(a),
            );
            // A success's writes cannot be told apart from a neighbour's, so only all-refused batches are compared.
            if (!changedNothing) return;
            quiet++;
            const changed = differences(before, await dumpState());
            if (changed.length > 0) {
              throw new Error(
                `a batch of refusals and reads changed the page:\n  ${changed.slice(0, 20).join("\n  ")}\n  answers: ${answers
                  .map((a) => (a ? `${a.method} ${a.pathname} -> ${a.status}` : "not sent"))
                  .join(", ")}\n  requests: ${plans.map(describePlan).join("\n    ")}`,
              );
            }
          }),
          { numRuns: CONCURRENT_FINGERPRINTED_RUNS, ...REPLAY },
        );
        // Enough batches were all refusals or reads for the comparison to mean something.
        expect(quiet).toBeGreaterThan(CONCURRENT_FINGERPRINTED_RUNS / 10);
      },
      TIMEOUT,
    );

    it(
      "refuses bodies over the limit with 413, whatever else is wrong with them, and changes nothing",
      async () => {
        const withBody = (Object.entries(OPERATIONS) as [OperationId, OperationSpec][]).filter(([, s]) => s.body);
        await fc.assert(
          fc.asyncProperty(
            fc.record({
              op: fc.constantFrom(...withBody.map(([id]) => id)),
              size: fc.integer({ min: 1_000_001, max: 1_600_000 }),
              style: fc.constantFrom("json-string", "json-array", "not-json"),
              contentType: fc.constantFrom("application/json", "text/plain", null),
              id: fc.constantFrom(...world.incidents, ...world.maintenances, ...world.webhooks),
            }),
            async ({ op, size, style, contentType, id }) => {
              const spec = OPERATIONS[op] as OperationSpec;
              const plan = printable({
                aim: op,
                fault: "body",
                method: spec.method.toUpperCase(),
                path: spec.path
                  .replace(":id", id)
                  .replace(":name", "probing")
                  .replace(":domain", "fuzz-b.example")
                  .replace(":email", "fuzz-person@acme.example"),
                query: "",
                authorization: `Bearer ${ADMIN}`,
                contentType,
                ifMatch: "*",
                idempotencyKey: null,
                body: { kind: "huge", size, style: style as "json-string" | "json-array" | "not-json" },
              });
              const answer = await exercise(plan, true);
              // The import takes up to 16 MB, so it reads and refuses on content instead.
              if (op !== "backup.import") expect(answer.status, answer.text).toBe(413);
              else expect(answer.status, answer.text).toBeGreaterThanOrEqual(400);
            },
          ),
          { numRuns: OVERSIZED_RUNS, ...REPLAY },
        );
      },
      TIMEOUT,
    );

    it(
      "either refuses an import with odd values or restores a page every request still answers without a 5xx",
      async () => {
        const base = world.exportDoc;
        const names = Object.keys(base.tables as ExportTables);
        await fc.assert(
          fc.asyncProperty(
            corruptions(base.tables as ExportTables),
            fc.array(planArb(world, Date.now), { minLength: 3, maxLength: 6 }),
            async (edits, followUps) => {
              await emptyPage();
              const doc = structuredClone(base);
              const tables = doc.tables as ExportTables;
              for (const edit of edits) {
                const table = tables[names[edit.table % names.length] as string];
                const row = table?.rows[edit.row % Math.max(1, table.rows.length)];
                if (table && row) row[edit.column % table.columns.length] = edit.value;
              }
              const imported = await exercise(importPlan(doc), true);
              if (imported.status >= 300) return;
              // Whatever the import let in, every read (and the generated requests after) must still answer.
              for (const plan of [...readsOf(world), ...followUps]) await exercise(plan, false);
            },
          ),
          { numRuns: CORRUPT_IMPORT_RUNS, ...REPLAY },
        );
      },
      TIMEOUT,
    );
  });
});

/** Test-only: clears what makes a page "used", so the next import is accepted. */
async function emptyPage(): Promise<void> {
  await runInDurableObject(pageObject(), (_instance: StatusPage, state) => {
    for (const table of ["incidents", "api_tokens", "audit_log"]) state.storage.sql.exec(`DELETE FROM ${table}`);
  });
}

/** One cell of the export replaced by a value of another kind or range than its column holds. */
interface CellEdit {
  table: number;
  row: number;
  column: number;
  value: string | number | null;
}

function corruptions(tables: ExportTables): fc.Arbitrary<CellEdit[]> {
  const count = Object.keys(tables).length;
  const value = fc.oneof(
    fc.constantFrom<string | number | null>(
      null,
      "",
      "bogus",
      "[",
      "{}",
      "null",
      '"incidents"',
      '["nope"]',
      "1",
      "2024-01-01",
      -1,
      0,
      1.5,
      1e300,
      -1e300,
      8.64e15 + 1,
      "investigating",
      "postmortem",
      "maintenance",
      "scheduled",
      "internal",
      "api",
    ),
    fc.string({ maxLength: 12 }),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
  );
  return fc.array(fc.record({ table: fc.nat({ max: count - 1 }), row: fc.nat(), column: fc.nat(), value }), {
    minLength: 1,
    maxLength: 3,
  });
}

/** Every read of the API, as the admin and as each scoped token, over what the seed created. */
function readsOf(world: World): Plan[] {
  const paths = [
    "/incidents",
    "/incidents?status=open",
    "/incidents?visibility=internal&limit=1",
    "/maintenances",
    "/maintenances?status=scheduled",
    "/tokens",
    "/flags",
    ...Object.keys(FLAGS).map((name) => `/flags/${name}`),
    "/audit?limit=200",
    "/monitors",
    "/export",
    ...world.incidents.flatMap((id) => [`/incidents/${id}`, `/incidents/${id}/report`]),
    ...world.maintenances.map((id) => `/maintenances/${id}`),
    "/webhooks",
    "/holds",
    ...world.webhooks.flatMap((id) => [`/webhooks/${id}`, `/webhooks/${id}/secret`]),
  ];
  return [ADMIN, ...world.scoped].flatMap((token, i) =>
    (i === 0 ? paths : paths.slice(0, 3)).map((full) => {
      const [path = "", query = ""] = full.split("?");
      return printable({
        aim: "read",
        fault: "none",
        method: "GET",
        path,
        query: query ? `?${query}` : "",
        authorization: `Bearer ${token}`,
        contentType: null,
        ifMatch: null,
        idempotencyKey: null,
        body: { kind: "none" },
      });
    }),
  );
}
