import type { Scope } from "../../../worker/core/access/scopes.ts";
import { ApiProblem } from "../../../worker/core/api/contract.ts";
import { newId } from "../ids.ts";
import { isoOrNull } from "../time.ts";
import { sha256Hex } from "./authenticate.ts";
import { type Handler, recordAudit } from "./context.ts";

type TokenRow = {
  id: string;
  name: string;
  scopes: string;
  created_at: number;
  created_by: string;
  last_used_at: number | null;
  revoked_at: number | null;
};

/** A fresh secret: 160 random bits, prefixed so a leaked one is easy to recognise and scan for. */
export async function mintToken(): Promise<{ secret: string; hash: string }> {
  const bytes = crypto.getRandomValues(new Uint8Array(20));
  const secret = `lk_${[...bytes].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
  return { secret, hash: await sha256Hex(secret) };
}

function describe(row: TokenRow) {
  return {
    id: row.id,
    name: row.name,
    scopes: JSON.parse(row.scopes) as Scope[],
    createdAt: isoOrNull(row.created_at),
    createdBy: row.created_by,
    lastUsedAt: isoOrNull(row.last_used_at),
    revokedAt: isoOrNull(row.revoked_at),
  };
}

function tokenRow(sql: SqlStorage, id: string): TokenRow | undefined {
  return sql.exec<TokenRow>(`SELECT * FROM api_tokens WHERE id = ?`, id).toArray()[0];
}

export const createTokenHandler: Handler<"tokens.create"> = (context) => {
  const { sql, body, now, actor } = context;
  const minted = context.prepared.minted;
  if (!minted) throw new Error("tokens.create needs a token minted before the transaction");
  // A token grants only what it holds: otherwise `tokens` alone would reach every scope (a backup included).
  const beyond = body.scopes.filter((scope) => !actor.scopes.includes(scope));
  if (beyond.length > 0) {
    throw new ApiProblem(403, "forbidden", `this token cannot grant scopes it does not hold: ${beyond.join(", ")}`);
  }
  const id = newId();
  sql.exec(
    `INSERT INTO api_tokens (id, name, hash, scopes, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)`,
    id,
    body.name,
    minted.hash,
    JSON.stringify(body.scopes),
    now,
    actor.id,
  );
  const created = describe(tokenRow(sql, id) as TokenRow);
  recordAudit(context, "token.create", id, null, created);
  // The only time the secret is ever shown: only its hash is kept.
  return { status: 201, body: { ...created, token: minted.secret } };
};

export const listTokensHandler: Handler<"tokens.list"> = ({ sql }) => ({
  status: 200,
  body: { data: sql.exec<TokenRow>(`SELECT * FROM api_tokens ORDER BY created_at DESC`).toArray().map(describe) },
});

export const revokeTokenHandler: Handler<"tokens.revoke"> = (context) => {
  const { sql, params, now } = context;
  const id = params.id ?? "";
  const row = tokenRow(sql, id);
  if (!row) {
    throw new ApiProblem(
      404,
      "not_found",
      `there is no token "${id}" (the bootstrap token is the ADMIN_TOKEN secret: rotate it with wrangler secret put)`,
    );
  }
  if (row.revoked_at !== null) return { status: 200, body: describe(row) };
  sql.exec(`UPDATE api_tokens SET revoked_at = ? WHERE id = ?`, now, id);
  const after = describe(tokenRow(sql, id) as TokenRow);
  recordAudit(context, "token.revoke", id, describe(row), after);
  return { status: 200, body: after };
};
