import { type Context, Hono } from "hono";
import { z } from "zod";
import type { Subscriber } from "../../durable-objects/status-page/subscribers.ts";
import { parseJsonRefusingDuplicates } from "../api/duplicate-keys.ts";
import { isUrlEncoded, readFormText } from "../api/read-form.ts";
import type { PageSnapshot } from "../core/read-model.ts";
import { checkConfirmLink, checkManageLink, managePath } from "../core/subscribers/links.ts";
import { refuseCrossSitePosts } from "../middleware/cross-site-posts.ts";
import { mailConfigured } from "../platform/email/from-env.ts";
import { statusPageStub } from "../platform/stubs.ts";
import type { AppEnv, Site } from "../site.ts";
import { allowSubscribe } from "../subscribe-limits.ts";
import { renderDocument } from "../views/layout.tsx";
import { SubscribeNotice } from "../views/subscribe-notice.tsx";
import { CheckInbox, ConfirmPrompt, LinkExpired, ManageSubscription } from "../views/subscription-pages.tsx";
import { notFoundHtml } from "./public-pages.tsx";

const FORM_LIMIT = 16_000;
const ID = /^[a-z0-9]{1,40}$/;
const MAC = /^[A-Za-z0-9_-]{32}$/;

const subscribeBody = z.strictObject({
  email: z.email("that does not look like an email address").max(254),
  components: z.array(z.string().max(63)).max(100).optional(),
});

/**
 * The subscriber's journey, all without JavaScript: subscribe (a form on the
 * page, or JSON), confirm from the mail (a button, not the link alone),
 * manage components, unsubscribe (a button, or one POST from the mail
 * client per RFC 8058). Never cached; never says whether an address is known.
 */
export function subscriptions(site: Site) {
  const app = new Hono<AppEnv>();

  // Every form here changes someone's subscription: none may be posted from another site.
  const fromElsewhere = async (c: Context<AppEnv>) => {
    const message = "This form was sent from another site, so it was not accepted. Use the form on this page.";
    if (isJson(c)) return c.json({ error: { code: "cross_site", message } }, 403, { "cache-control": "no-store" });
    return html(c, <SubscribeNotice page={(await site.snapshot(c.env)).page} title={message} />, 403);
  };
  app.use("/subscribe", refuseCrossSitePosts(fromElsewhere));
  app.use("/subscriptions/:id/confirm/:expires/:mac", refuseCrossSitePosts(fromElsewhere));
  app.use("/subscriptions/:id/:mac", refuseCrossSitePosts(fromElsewhere));
  app.use("/subscriptions/:id/:mac/unsubscribe", refuseCrossSitePosts(fromElsewhere, { oneClick: true }));

  app.post("/subscribe", async (c) => {
    const wantsJson = isJson(c);
    const snapshot = await site.snapshot(c.env);
    const answer = (status: number, code: string, message: string, headers: Record<string, string> = {}) =>
      wantsJson
        ? c.json({ error: { code, message } }, status as 400, { ...headers, "cache-control": "no-store" })
        : html(c, <SubscribeNotice page={snapshot.page} title={message} />, status, headers);

    if (!mailConfigured(c.env)) {
      return answer(503, "subscriptions_unavailable", "Email subscriptions are not set up on this page.");
    }
    const input = await readSubscribeBody(c.req.raw, wantsJson);
    if (input === "too_large") return answer(413, "payload_too_large", "That request is too large.");
    if (input instanceof DuplicateKey) {
      return answer(400, "duplicate_key", `The request names "${input.path.slice(0, 60)}" twice.`);
    }
    const parsed = subscribeBody.safeParse(input);
    if (!parsed.success) return answer(400, "validation_failed", "That does not look like an email address.");
    const { email, components } = parsed.data;
    const known = new Set(snapshot.components.map((x) => x.id));
    const unknown = [...new Set(components?.filter((id) => !known.has(id)))];
    if (unknown.length > 0) {
      const named = unknown.slice(0, 10).map((id) => `"${id}"`);
      if (unknown.length > 10) named.push(`${unknown.length - 10} more`);
      return answer(400, "unknown_components", `This page has no component ${named.join(", ")}.`);
    }

    const allowance = await allowSubscribe(c.env, c.req.header("cf-connecting-ip") ?? "local", email);
    if (!allowance.allowed) {
      return answer(429, "rate_limited", "Too many requests. Please try again later.", {
        "retry-after": String(allowance.retryAfterSeconds),
      });
    }
    const outcome = await statusPageStub(c.env).subscribe(email, components ?? null);
    if (outcome === "paused") return answer(503, "subscriptions_paused", "Subscriptions are paused for now.");
    return wantsJson
      ? c.json({ status: "check_your_inbox" }, 202, { "cache-control": "no-store" })
      : html(c, <CheckInbox page={snapshot.page} />, 200);
  });

  app.on(["GET", "POST"], "/subscriptions/:id/confirm/:expires/:mac", async (c) => {
    const { id, expires, mac } = c.req.param();
    const snapshot = await site.snapshot(c.env);
    const check = await checkLink(c.env, id, mac, (secret) =>
      checkConfirmLink(secret, id, Number(expires), mac, Date.now()),
    );
    if (check === "expired") return html(c, <LinkExpired page={snapshot.page} />, 410);
    if (check !== "valid") return notFound(c, snapshot);
    if (c.req.method === "GET")
      return html(c, <ConfirmPrompt page={snapshot.page} action={new URL(c.req.url).pathname} />);
    const subscriber = await statusPageStub(c.env).confirmSubscription(id);
    if (!subscriber) return notFound(c, snapshot);
    return c.redirect(`/subscriptions/${id}/${await manageMac(c.env, id)}?confirmed=1`, 303);
  });

  const manageRoute = "/subscriptions/:id/:mac";
  app.on(["GET", "POST"], manageRoute, async (c) => {
    const { id, mac } = c.req.param();
    const snapshot = await site.snapshot(c.env);
    if ((await checkLink(c.env, id, mac, (secret) => checkManageLink(secret, id, mac))) !== true) {
      return notFound(c, snapshot);
    }
    const stub = statusPageStub(c.env);
    let saved: string | undefined;
    let subscriber = await stub.subscription(id);
    if (subscriber && c.req.method === "POST") {
      // The page's form is URL-encoded; anything else would read as "no components" (all of them).
      if (!isUrlEncoded(c.req.header("content-type"))) {
        c.req.raw.body?.cancel().catch(() => undefined);
        return html(c, <SubscribeNotice page={snapshot.page} title="Send the form as the page does." />, 415);
      }
      const text = await readFormText(c.req.raw, FORM_LIMIT);
      if (text === null)
        return html(c, <SubscribeNotice page={snapshot.page} title="That request is too large." />, 413);
      const ticked = new URLSearchParams(text).getAll("components");
      const known = new Set(snapshot.components.map((x) => x.id));
      const chosen = ticked.filter((x) => known.has(x));
      subscriber = await stub.updateSubscription(id, chosen.length > 0 ? chosen : null);
      saved = "Saved.";
    }
    if (!subscriber) return notFound(c, snapshot);
    if (c.req.query("confirmed")) saved = "You are subscribed.";
    return managePage(c, snapshot, subscriber, `/subscriptions/${id}/${mac}`, saved);
  });

  app.on(["GET", "POST"], `${manageRoute}/unsubscribe`, async (c) => {
    const { id, mac } = c.req.param();
    const snapshot = await site.snapshot(c.env);
    if ((await checkLink(c.env, id, mac, (secret) => checkManageLink(secret, id, mac))) !== true) {
      return notFound(c, snapshot);
    }
    // A GET (a scanner, a preview) only shows the page with the button; a POST — the button,
    // or a mail client's RFC 8058 one-click — unsubscribes.
    if (c.req.method === "GET") return c.redirect(`/subscriptions/${id}/${mac}`, 303);
    const subscriber = await statusPageStub(c.env).unsubscribe(id);
    if (!subscriber) return notFound(c, snapshot);
    return managePage(c, snapshot, subscriber, `/subscriptions/${id}/${mac}`);
  });

  return app;
}

function isJson(c: Context<AppEnv>): boolean {
  return (c.req.header("content-type") ?? "").startsWith("application/json");
}

function managePage(
  c: Context<AppEnv>,
  snapshot: PageSnapshot,
  subscriber: Subscriber,
  action: string,
  saved?: string,
) {
  return html(
    c,
    <ManageSubscription
      page={snapshot.page}
      subscriber={subscriber}
      components={snapshot.components}
      action={action}
      saved={saved}
    />,
  );
}

/** Checks a link's shape, then its HMAC; a malformed or forged link is simply not found. */
async function checkLink<T>(
  env: Env,
  id: string | undefined,
  mac: string | undefined,
  check: (secret: string) => Promise<T>,
): Promise<T | "invalid"> {
  if (!env.LINK_SECRET || !id || !mac || !ID.test(id) || !MAC.test(mac)) return "invalid";
  return check(env.LINK_SECRET);
}

async function manageMac(env: Env, id: string): Promise<string> {
  return (await managePath(env.LINK_SECRET ?? "", id)).split("/").at(-1) ?? "";
}

/** A JSON body that names a key twice: refused, not read as whichever came last. */
class DuplicateKey {
  readonly path: string;
  constructor(path: string) {
    this.path = path;
  }
}

async function readSubscribeBody(request: Request, json: boolean): Promise<unknown> {
  const text = await readFormText(request, FORM_LIMIT);
  if (text === null) return "too_large";
  if (json) {
    try {
      const parsed = parseJsonRefusingDuplicates(text);
      return parsed.ok ? parsed.value : new DuplicateKey(parsed.duplicate.path);
    } catch {
      return null;
    }
  }
  const form = new URLSearchParams(text);
  const components = form.getAll("components");
  return { email: form.get("email") ?? "", ...(components.length ? { components } : {}) };
}

async function html(c: Context<AppEnv>, node: { toString(): string | Promise<string> }, status = 200, headers = {}) {
  return c.html(await renderDocument(node), status as 200, { ...headers, "cache-control": "no-store" });
}

async function notFound(c: Context<AppEnv>, snapshot: PageSnapshot) {
  const page = await notFoundHtml(
    snapshot,
    "This link is not valid. It may have been mistyped or replaced by a newer one.",
  );
  return c.html(page.body, 404, { "cache-control": "no-store" });
}
