export { sha256Hex } from "../../../worker/core/access/sha256.ts";

import { sameSecret } from "../../../worker/core/access/same-secret.ts";
import { SCOPES, type Scope } from "../../../worker/core/access/scopes.ts";
import { sessionActor } from "../console-sessions.ts";
import type { Actor } from "./context.ts";

/** last_used_at is written at most this often per token, so reads stay reads. */
const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * Finds who presented this credential. Tokens are stored as SHA-256 hashes
 * only; the edge hashes what it was given, so the secret never reaches
 * storage. The bootstrap token (the ADMIN_TOKEN secret) holds every scope.
 * A console session's cookie is a credential too, acting as the token it
 * was opened with (console-sessions.ts), but only where the console
 * presents it (`kind: "session"`): never as an API bearer.
 */
export function authenticate(
  sql: SqlStorage,
  credentialHash: string | null,
  bootstrapHash: string | null,
  now: number,
  kind: "token" | "session" = "token",
): Actor | null {
  if (!credentialHash) return null;
  return kind === "session"
    ? sessionActor(sql, credentialHash, bootstrapHash, now)
    : tokenActor(sql, credentialHash, bootstrapHash, now);
}

/** Who an API token (not a session) stands for: the bootstrap token or a stored, unrevoked one. */
export function tokenActor(
  sql: SqlStorage,
  credentialHash: string,
  bootstrapHash: string | null,
  now: number,
): Actor | null {
  if (bootstrapHash && sameSecret(credentialHash, bootstrapHash)) {
    return { id: "bootstrap", name: "bootstrap token (ADMIN_TOKEN)", scopes: SCOPES };
  }
  const row = sql
    .exec<{ id: string; name: string; hash: string; scopes: string; last_used_at: number | null }>(
      `SELECT id, name, hash, scopes, last_used_at FROM api_tokens WHERE hash = ? AND revoked_at IS NULL`,
      credentialHash,
    )
    .toArray()[0];
  if (!row || !sameSecret(row.hash, credentialHash)) return null;
  if (row.last_used_at === null || now - row.last_used_at >= LAST_USED_RESOLUTION_MS) {
    sql.exec(`UPDATE api_tokens SET last_used_at = ? WHERE id = ?`, now, row.id);
  }
  return { id: row.id, name: row.name, scopes: JSON.parse(row.scopes) as Scope[] };
}
