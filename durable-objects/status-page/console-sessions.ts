import { ROLES } from "../../worker/core/access/roles.ts";
import { sameSecret } from "../../worker/core/access/same-secret.ts";
import { SCOPES, type Scope } from "../../worker/core/access/scopes.ts";
import { type Actor, recordAudit } from "./api/context.ts";
import { accessSettings, personOf } from "./console-people.ts";

/**
 * Console sessions: a browser signs in with an API token once and then
 * carries a cookie whose secret's hash is kept here. A session acts as its
 * token (same id, same scopes) under the name its person gave, ends when
 * signed out or expired, and dies with its token: revoked, or for the
 * bootstrap token, ADMIN_TOKEN rotated (docs/decisions/0045-console-sign-in-and-roles.md).
 * A session Cloudflare Access opened instead acts with the role its email is
 * mapped to at each request (docs/decisions/0046-access-sign-in.md).
 */

type SessionRow = {
  kind: string;
  token_id: string;
  token_hash: string;
  person: string;
  expires_at: number;
  token_name: string | null;
  token_scopes: string | null;
  revoked_at: number | null;
};

/** Who a session cookie's hash stands for now, or null when it names no live session. */
export function sessionActor(sql: SqlStorage, hash: string, bootstrapHash: string | null, now: number): Actor | null {
  const row = sql
    .exec<SessionRow>(
      `SELECT s.kind, s.token_id, s.token_hash, s.person, s.expires_at, t.name AS token_name, t.scopes AS token_scopes,
              t.revoked_at
         FROM console_sessions s LEFT JOIN api_tokens t ON t.id = s.token_id
        WHERE s.hash = ? AND s.ended_at IS NULL`,
      hash,
    )
    .toArray()[0];
  if (!row || row.expires_at <= now) return null;
  if (row.kind === ACCESS) return accessActor(sql, row.person);
  if (row.token_id === BOOTSTRAP) {
    if (!bootstrapHash || !sameSecret(row.token_hash, bootstrapHash)) return null;
    return { id: BOOTSTRAP, name: sessionName(row.person, BOOTSTRAP, null), scopes: SCOPES };
  }
  if (row.token_scopes === null || row.revoked_at !== null) return null;
  return {
    id: row.token_id,
    name: sessionName(row.person, row.token_id, row.token_name),
    scopes: JSON.parse(row.token_scopes) as Scope[],
  };
}

const BOOTSTRAP = "bootstrap";
/** A session Cloudflare Access opened (its person is an email); its role is looked up on each request. */
const ACCESS = "access";
const ACCESS_ID = "access:";

/**
 * A person signed in through Cloudflare Access, as the people mapping says
 * now: a changed role applies on their next request, a removed person or
 * Access switched off in the config ends the session (decision 0046).
 */
function accessActor(sql: SqlStorage, email: string): Actor | null {
  if (!accessSettings(sql)) return null;
  const person = personOf(sql, email);
  if (!person) return null;
  return { id: `${ACCESS_ID}${person.email}`, name: `${person.email} (Cloudflare Access)`, scopes: ROLES[person.role] };
}

/** The email of an actor signed in through Cloudflare Access, or null for anyone else. */
export function accessEmailOf(actor: Actor): string | null {
  return actor.id.startsWith(ACCESS_ID) ? actor.id.slice(ACCESS_ID.length) : null;
}

/** Live Access sessions one person may hold at once. */
const LIVE_ACCESS_SESSIONS = 5;

/**
 * Opens a session for a person Cloudflare Access vouched for (the edge
 * checked their JWT), when the people mapping gives them a role: the
 * actor, or null when nobody mapped their email.
 */
export function openAccessSession(
  sql: SqlStorage,
  session: { hash: string; email: string; expiresAt: number },
  now: number,
): Actor | null {
  const actor = accessActor(sql, session.email);
  if (!actor) return null;
  sql.exec(
    `INSERT INTO console_sessions (hash, kind, token_id, token_hash, person, created_at, expires_at)
     VALUES (?, ?, ?, '', ?, ?, ?)`,
    session.hash,
    ACCESS,
    actor.id,
    session.email.toLowerCase(),
    now,
    session.expiresAt,
  );
  sql.exec(`DELETE FROM console_sessions WHERE COALESCE(ended_at, expires_at) < ?`, now - 86_400_000);
  // A link from another site arrives without the SameSite=Strict cookie, so each such visit opens a
  // session: a person keeps their newest few (a browser or two each), the older ones end.
  sql.exec(
    `UPDATE console_sessions SET ended_at = ?
      WHERE kind = ? AND person = ? AND ended_at IS NULL AND hash != ? AND hash NOT IN (
        SELECT hash FROM console_sessions WHERE kind = ? AND person = ? AND ended_at IS NULL AND hash != ?
         ORDER BY created_at DESC, hash LIMIT ${LIVE_ACCESS_SESSIONS - 1})`,
    now,
    ACCESS,
    session.email.toLowerCase(),
    session.hash,
    ACCESS,
    session.email.toLowerCase(),
    session.hash,
  );
  recordAudit({ sql, now, actor }, "console.sign_in", actor.id, null, {
    person: session.email.toLowerCase(),
    via: "cloudflare_access",
    expiresAt: new Date(session.expiresAt).toISOString(),
  });
  return actor;
}

/** How the audit log names a person in a session: who they said they are, and with which token. */
function sessionName(person: string, tokenId: string, tokenName: string | null): string {
  return tokenId === BOOTSTRAP ? `${person} (bootstrap token)` : `${person} (token “${tokenName}”)`;
}

/**
 * Opens a session for whoever `token` (the actor its hash authenticated as)
 * is: one row, one audit line. The caller checked the token; this keeps
 * which one, so the session ends with it.
 */
export function openSession(
  sql: SqlStorage,
  token: { actor: Actor; hash: string },
  session: { hash: string; person: string; expiresAt: number },
  now: number,
): Actor {
  sql.exec(
    `INSERT INTO console_sessions (hash, token_id, token_hash, person, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)`,
    session.hash,
    token.actor.id,
    token.hash,
    session.person,
    now,
    session.expiresAt,
  );
  // Sessions that ended or expired a day ago are of no further use; they go as new ones open.
  sql.exec(`DELETE FROM console_sessions WHERE COALESCE(ended_at, expires_at) < ?`, now - 86_400_000);
  const actor = { ...token.actor, name: sessionName(session.person, token.actor.id, token.actor.name) };
  recordAudit({ sql, now, actor }, "console.sign_in", token.actor.id, null, {
    person: session.person,
    expiresAt: new Date(session.expiresAt).toISOString(),
  });
  return actor;
}

/** Ends a session (sign out); true when there was a live one. */
export function endSession(sql: SqlStorage, hash: string, actor: Actor, now: number): boolean {
  const ended = sql.exec(
    `UPDATE console_sessions SET ended_at = ? WHERE hash = ? AND ended_at IS NULL`,
    now,
    hash,
  ).rowsWritten;
  if (ended > 0) recordAudit({ sql, now, actor }, "console.sign_out", actor.id, null, null);
  return ended > 0;
}
