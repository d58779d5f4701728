import { type Context, Hono } from "hono";
import { isAckMac } from "../core/alerting/ack-link.ts";
import { refuseCrossSitePosts } from "../middleware/cross-site-posts.ts";
import { statusPageStub } from "../platform/stubs.ts";
import type { AppEnv, Site } from "../site.ts";
import { AlertAckPage, AlertAckRefused } from "../views/alert-ack-page.tsx";
import { renderDocument } from "../views/layout.tsx";
import { notFoundHtml } from "./public-pages.tsx";

const ID = /^[a-z0-9]{1,40}$/;
/** hmacToken's shape: 24 bytes, base64url (worker/core/access/hmac-token.ts). */
const MAC = /^[A-Za-z0-9_-]{32}$/;

/**
 * An alert's acknowledgement link (worker/core/alerting/ack-link.ts): GET
 * shows the alert and one button, and never acknowledges — chat and mail
 * tools open every link they see; the button POSTs and acknowledges. The link
 * is a capability, like a subscriber's: never cached, never sent to another
 * site as a referrer, its mac kept out of the logs (redact-capabilities.ts), and a link
 * that is not right is simply not found — a 404 says nothing about whether
 * the alert exists.
 */
export function alertAck(site: Site) {
  const app = new Hono<AppEnv>();
  const path = "/alerts/:id/ack/:mac";

  app.use(
    path,
    refuseCrossSitePosts(async (c) => {
      const title = "This form was sent from another site, so it was not accepted";
      return html(c, <AlertAckRefused page={(await site.snapshot(c.env)).page} title={title} />, 403);
    }),
  );

  app.on(["GET", "POST"], path, async (c) => {
    const { id, mac } = c.req.param();
    const secret = c.env.LINK_SECRET;
    if (!secret || !ID.test(id) || !MAC.test(mac) || !(await isAckMac(secret, id, mac))) return notFound(c, site);
    const stub = statusPageStub(c.env);
    const page = (await site.snapshot(c.env)).page;
    const action = new URL(c.req.url).pathname;
    if (c.req.method === "GET") {
      const alert = await stub.alertForLink(id);
      if (!alert) return notFound(c, site);
      return html(c, <AlertAckPage page={page} alert={alert} action={action} />);
    }
    // The button's body carries nothing; it is not read.
    c.req.raw.body?.cancel().catch(() => undefined);
    const result = await stub.acknowledgeAlertByLink(id);
    if (!result.alert) return notFound(c, site);
    const status = result.outcome === "resolved" ? 409 : 200;
    return html(c, <AlertAckPage page={page} alert={result.alert} action={action} justNow={result.first} />, status);
  });

  return app;
}

/**
 * No cache anywhere, and no referrer to any other site: the link in the
 * address bar is the capability itself. `same-origin` rather than
 * `no-referrer`: under no-referrer a browser sends the button's POST with
 * `Origin: null`, which the cross-site check must refuse.
 */
const PRIVATE = { "cache-control": "no-store", "referrer-policy": "same-origin", "x-robots-tag": "noindex" };

async function html(c: Context<AppEnv>, node: { toString(): string | Promise<string> }, status = 200) {
  return c.html(await renderDocument(node), status as 200, PRIVATE);
}

async function notFound(c: Context<AppEnv>, site: Site) {
  const page = await notFoundHtml(
    await site.snapshot(c.env),
    "This link is not valid. It may have been mistyped or belong to another status page.",
  );
  return c.html(page.body, 404, PRIVATE);
}
