import type { Scope } from "../../../worker/core/access/scopes.ts";
import { type ApiResult, problem } from "../../../worker/core/api/contract.ts";
import { type AccessSettings, accessSettings } from "../console-people.ts";
import { accessEmailOf, endSession, openAccessSession, openSession } from "../console-sessions.ts";
import { authenticate, tokenActor } from "./authenticate.ts";
import type { Actor } from "./context.ts";
import { bootstrapHash, type DispatchDeps } from "./dispatch.ts";

/** Who the console is showing itself to: the name the audit log uses, and what they may do. */
export interface ConsoleViewer {
  name: string;
  scopes: readonly Scope[];
  /** Set when Cloudflare Access signed them in: the edge checks each request's JWT still names them. */
  email?: string;
}

/** What the console's door needs to know on every request (worker/console/viewer.ts). */
export interface ConsoleDoor {
  viewer: ConsoleViewer | null;
  /** The Access application in front of the console, as the page's config says; null: tokens only. */
  access: AccessSettings | null;
}

function viewerFor(actor: Actor): ConsoleViewer {
  const email = accessEmailOf(actor);
  return { name: actor.name, scopes: actor.scopes, ...(email ? { email } : {}) };
}

/**
 * Signs a person in with a token: a session that acts as the token, or the
 * 401 a bad token gets from the API. The token itself is never stored; the
 * session's own secret only as its hash.
 */
export async function signIn(
  deps: DispatchDeps,
  request: { tokenHash: string; sessionHash: string; person: string; expiresAt: number },
): Promise<ConsoleViewer | ApiResult> {
  const bootstrap = await bootstrapHash(deps.env);
  return deps.write(
    (now) => {
      // A session is opened with a token, never with another session's cookie.
      const actor = tokenActor(deps.sql, request.tokenHash, bootstrap, now);
      if (!actor) {
        return problem(401, "unauthorized", "that token is not valid (unknown, revoked or mistyped)");
      }
      const opened = openSession(
        deps.sql,
        { actor, hash: request.tokenHash },
        { hash: request.sessionHash, person: request.person, expiresAt: request.expiresAt },
        now,
      );
      return { name: opened.name, scopes: opened.scopes };
    },
    () => false,
  );
}

/** The person behind a session cookie now, or null when it names no live session. */
export async function viewerOf(deps: DispatchDeps, sessionHash: string): Promise<ConsoleViewer | null> {
  const actor = authenticate(deps.sql, sessionHash, await bootstrapHash(deps.env), Date.now(), "session");
  return actor ? viewerFor(actor) : null;
}

export async function consoleDoor(deps: DispatchDeps, sessionHash: string | null): Promise<ConsoleDoor> {
  const viewer = sessionHash ? await viewerOf(deps, sessionHash) : null;
  return { viewer, access: accessSettings(deps.sql) };
}

/**
 * Signs in a person Cloudflare Access vouched for (the edge verified the
 * JWT): a session acting with their mapped role's scopes, or null when
 * their email has no role (or Access is not configured).
 */
export function signInWithAccess(
  deps: DispatchDeps,
  request: { email: string; sessionHash: string; expiresAt: number },
): ConsoleViewer | null {
  return deps.write(
    (now) => {
      const actor = openAccessSession(
        deps.sql,
        { hash: request.sessionHash, email: request.email, expiresAt: request.expiresAt },
        now,
      );
      return actor ? viewerFor(actor) : null;
    },
    () => false,
  );
}

/** Signs out: the session ends, with an audit line under the person's name. */
export async function signOut(deps: DispatchDeps, sessionHash: string): Promise<boolean> {
  const bootstrap = await bootstrapHash(deps.env);
  return deps.write(
    (now) => {
      const actor = authenticate(deps.sql, sessionHash, bootstrap, now, "session");
      return actor ? endSession(deps.sql, sessionHash, actor, now) : false;
    },
    () => false,
  );
}
