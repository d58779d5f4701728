import type { Context } from "hono";
import type { ConsoleDoor, ConsoleViewer } from "../../../durable-objects/status-page/api/console-access.ts";
import { ACCESS_REFUSALS, verifyAccessJwt } from "../../core/access/access-jwt.ts";
import { sha256Hex } from "../../core/access/sha256.ts";
import { statusPageStub } from "../../platform/stubs.ts";
import type { ConsoleEnv } from "../console-env.ts";
import { clearSessionCookie, newSessionSecret, SESSION_MS, setSessionCookie } from "../session-cookie.ts";
import type { AccessRefusalView } from "../views/access-refused-page.tsx";
import { teamKeys } from "./team-keys.ts";

/** The header Cloudflare Access adds to every request it lets through to the origin. */
export const ACCESS_JWT_HEADER = "cf-access-jwt-assertion";

export type GateOutcome =
  | { viewer: ConsoleViewer; sessionHash: string }
  | { viewer: null; refusal?: { view: AccessRefusalView; status: 403 | 503 } };

/**
 * Cloudflare Access at the console's door (docs/decisions/0046-access-sign-in.md),
 * when the page's config names an Access application:
 * - a session Access opened lasts only while each request's JWT checks out
 *   and names the same email; otherwise it ends here;
 * - with no session, a valid JWT whose email has a role opens one (a
 *   cookie, as for tokens), so the API calls of this very request act as
 *   that person; an email without a role, or a JWT that does not check
 *   out, is refused with a page that says why;
 * - a session opened with a token is left alone (break-glass), and with no
 *   JWT at all the token sign-in stays the way in.
 */
export async function passAccessGate(
  c: Context<ConsoleEnv>,
  door: ConsoleDoor,
  sessionHash: string | null,
): Promise<GateOutcome> {
  const { viewer, access } = door;
  if (viewer && sessionHash && (viewer.email === undefined || !access)) return { viewer, sessionHash };
  if (!access) return { viewer: null };
  const assertion = c.req.header(ACCESS_JWT_HEADER);
  const verdict = assertion
    ? await verifyAccessJwt(assertion, { ...access, now: Date.now() }, teamKeys.lookup(access.teamDomain))
    : null;
  if (viewer && sessionHash) {
    if (verdict?.ok && verdict.email === viewer.email) return { viewer, sessionHash };
    // Another person behind the same browser, or Access no longer vouching: this session is over.
    await statusPageStub(c.env).signOut(sessionHash);
    clearSessionCookie(c);
  }
  if (!verdict) return { viewer: null };
  if (!verdict.ok) {
    return verdict.reason === "keys_unavailable"
      ? { viewer: null, refusal: { view: { kind: "unavailable", teamDomain: access.teamDomain }, status: 503 } }
      : { viewer: null, refusal: { view: { kind: "invalid", reason: ACCESS_REFUSALS[verdict.reason] }, status: 403 } };
  }
  const secret = newSessionSecret();
  const hash = await sha256Hex(secret);
  const expiresAt = Date.now() + SESSION_MS;
  const opened = await statusPageStub(c.env).accessSignIn({ email: verdict.email, sessionHash: hash, expiresAt });
  if (!opened) return { viewer: null, refusal: { view: { kind: "unmapped", email: verdict.email }, status: 403 } };
  setSessionCookie(c, secret, expiresAt);
  return { viewer: opened, sessionHash: hash };
}
