import { Hono } from "hono";
import type { ConsoleViewer } from "../../../durable-objects/status-page/api/console-access.ts";
import { sha256Hex } from "../../core/access/sha256.ts";
import { statusPageStub } from "../../platform/stubs.ts";
import type { Site } from "../../site.ts";
import type { ConsoleEnv } from "../console-env.ts";
import { isRefusal, postForm, readConsoleForm } from "../console-form.ts";
import { csrfToken } from "../csrf.ts";
import { noticeOf } from "../notices.ts";
import { renderConsole, seeOther } from "../render.ts";
import {
  clearSessionCookie,
  newSessionSecret,
  SESSION_MS,
  sessionSecretOf,
  setSessionCookie,
} from "../session-cookie.ts";
import { trySignIn } from "../sign-in-limit.ts";
import { safeNext } from "../viewer.ts";
import { SignInPage } from "../views/sign-in-page.tsx";

const TOKEN = /^[\x21-\x7e]{1,512}$/;

/** Sign in with a token (a session cookie in exchange), and sign out. */
export function signInRoutes(site: Site) {
  const app = new Hono<ConsoleEnv>();

  app.get("/sign-in", async (c) => {
    const snapshot = await site.snapshot(c.env);
    const next = safeNext(c.req.query("next"));
    return renderConsole(
      c,
      <SignInPage page={snapshot.page} csrf={csrfToken(c)} next={next} notice={noticeOf(c.req.query("notice"))} />,
    );
  });

  app.post("/sign-in", async (c) => {
    const form = await readConsoleForm(c);
    const snapshot = await site.snapshot(c.env);
    const csrf = csrfToken(c);
    if (isRefusal(form)) {
      return renderConsole(
        c,
        <SignInPage page={snapshot.page} csrf={csrf} next="/console" problem={form.message} />,
        form.status,
      );
    }
    const next = safeNext(form.get("next"));
    const person = (form.get("person") ?? "").trim().slice(0, 100);
    const token = (form.get("token") ?? "").trim();
    const again = (problem: string, status: 400 | 401 | 429) =>
      renderConsole(
        c,
        <SignInPage page={snapshot.page} csrf={csrf} next={next} person={person} problem={problem} />,
        status,
      );
    if (!person) return again("Say who you are: the audit log names you with it.", 400);
    if (!TOKEN.test(token)) return again("Paste an API token (visible characters, no spaces).", 400);
    const attempt = await trySignIn(c.env, c.req.header("cf-connecting-ip") ?? "local");
    if (!attempt.allowance.allowed) {
      const wait = attempt.allowance.retryAfterSeconds;
      c.header("retry-after", String(wait));
      const minutes = Math.ceil(wait / 60);
      return again(
        `Too many failed sign-ins from your address. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`,
        429,
      );
    }
    const secret = newSessionSecret();
    const expiresAt = Date.now() + SESSION_MS;
    const signedIn = await statusPageStub(c.env).signIn({
      tokenHash: await sha256Hex(token),
      sessionHash: await sha256Hex(secret),
      person,
      expiresAt,
    });
    if (!isViewer(signedIn)) return again("That token is not valid: unknown, revoked or mistyped.", 401);
    await attempt.succeeded();
    // The session this browser had (another person or token) ends: nobody can see it any more.
    const previous = sessionSecretOf(c);
    if (previous) await statusPageStub(c.env).signOut(await sha256Hex(previous));
    setSessionCookie(c, secret, expiresAt);
    return c.redirect(next, 303);
  });

  postForm(app, "/sign-out", async (c) => {
    const secret = sessionSecretOf(c);
    const hash = secret ? await sha256Hex(secret) : null;
    const door = hash ? await statusPageStub(c.env).consoleDoor(hash) : null;
    if (hash) await statusPageStub(c.env).signOut(hash);
    clearSessionCookie(c);
    // Out of Cloudflare Access too, or its JWT would sign the person straight back in (decision 0046).
    if (door?.viewer?.email) return c.redirect("/cdn-cgi/access/logout", 303);
    return seeOther(c, "/console/sign-in", "signed-out");
  });

  return app;
}

function isViewer(value: unknown): value is ConsoleViewer {
  return typeof value === "object" && value !== null && "scopes" in value;
}
