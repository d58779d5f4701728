import { type ApiResult, problem } from "../../../worker/core/api/contract.ts";

/**
 * A retry within this window replays the first response. Older keys are
 * swept by the heartbeat, but one not yet swept is already forgotten: the
 * window is exact, not "24 hours and up to the next sweep".
 */
export const IDEMPOTENCY_WINDOW_MS = 24 * 3_600_000;

type Stored = { request_hash: string; status: number; body: string; etag: string | null };

/**
 * The first response to a key, when the same caller already sent it within
 * the window. A key reused for a different request is refused rather than
 * guessed at.
 */
export function replay(
  sql: SqlStorage,
  actor: string,
  key: string,
  requestHash: string,
  now: number,
): ApiResult | null {
  const row = sql
    .exec<Stored>(
      `SELECT request_hash, status, body, etag FROM idempotency_keys WHERE actor = ? AND key = ? AND created_at >= ?`,
      actor,
      key,
      now - IDEMPOTENCY_WINDOW_MS,
    )
    .toArray()[0];
  if (!row) return null;
  if (row.request_hash !== requestHash) {
    return problem(
      422,
      "idempotency_key_reused",
      "this Idempotency-Key was already used for a different request; use a new key for a new request",
    );
  }
  return { status: row.status, body: JSON.parse(row.body), ...(row.etag ? { etag: row.etag } : {}), replayed: true };
}

/**
 * Stored in the same transaction as the write it answers, so a write and its
 * key land together or not at all. An expired, unswept row of the same key is
 * replaced. A new token's secret is not kept: a replay
 * says where it went instead, since only the token's hash is ever stored.
 */
export function remember(
  sql: SqlStorage,
  actor: string,
  key: string,
  requestHash: string,
  result: ApiResult,
  now: number,
) {
  sql.exec(
    `INSERT OR REPLACE INTO idempotency_keys (actor, key, request_hash, status, body, etag, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    actor,
    key,
    requestHash,
    result.status,
    compact(JSON.stringify(withoutSecret(result.body) ?? null), result.body),
    result.etag ?? null,
    now,
  );
}

/** A stored answer stays well under SQLite's 2 MB row: a long incident's full body is replaced by where to read it. */
const STORED_BODY_LIMIT = 256_000;

function compact(json: string, body: unknown): string {
  if (json.length <= STORED_BODY_LIMIT) return json;
  const { id, revision } = (typeof body === "object" && body !== null ? body : {}) as {
    id?: unknown;
    revision?: unknown;
  };
  return JSON.stringify({
    id,
    revision,
    replayNote: "the first answer was too long to keep; read the resource by its id",
  });
}

/** Secrets an answer may carry: a new token, a webhook's signing secrets. None is kept in a stored replay. */
const SECRET_FIELDS = ["token", "secret", "previousSecret"] as const;

function withoutSecret(body: unknown): unknown {
  if (typeof body !== "object" || body === null || !SECRET_FIELDS.some((field) => field in body)) return body;
  const kept: Record<string, unknown> = { ...body };
  for (const field of SECRET_FIELDS) if (field in kept) kept[field] = null;
  if ("token" in body) {
    kept.tokenNote = "shown only in the first response; revoke this token and create another if it was lost";
  } else kept.secretNote = "not kept for replays; read it with GET /api/v1/webhooks/{id}/secret";
  return kept;
}

export function forgetOldKeys(sql: SqlStorage, now: number): void {
  sql.exec(`DELETE FROM idempotency_keys WHERE created_at < ?`, now - IDEMPOTENCY_WINDOW_MS);
}
