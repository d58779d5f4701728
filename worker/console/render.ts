import type { Context } from "hono";
import type { PageInfo } from "../core/read-model.ts";
import { renderDocument } from "../views/layout.tsx";
import type { ConsoleEnv, Viewer } from "./console-env.ts";
import type { NOTICES } from "./notices.ts";

/** A console page: never cached anywhere, since it is one person's view of live, partly internal state. */
export async function renderConsole(
  c: Context,
  node: { toString(): string | Promise<string> },
  status = 200,
): Promise<Response> {
  return c.html(await renderDocument(node), status as 200, { "cache-control": "no-store" });
}

/**
 * What every signed-in page passes on to its ConsoleLayout: the status page
 * (its name, time zone), who is signed in, and the CSRF value its forms carry.
 */
export function layoutProps(c: Context<ConsoleEnv>, page: PageInfo): { page: PageInfo; viewer: Viewer; csrf: string } {
  return { page, viewer: c.var.viewer, csrf: c.var.csrf };
}

/**
 * A refusal in plain words with its status, never cached: a form that was
 * not the console's (console-form.ts), or an API answer a page cannot be
 * drawn without.
 */
export function refuse(c: Context, refusal: { status: number; message: string }): Response {
  return c.text(refusal.message, refusal.status as 403, { "cache-control": "no-store" });
}

/**
 * After a form's write: to the page that shows its result (post, redirect,
 * get), with the code of a notice (notices.ts) to say what happened.
 */
export function seeOther(c: Context, path: string, notice?: keyof typeof NOTICES): Response {
  const url = notice ? `${path}${path.includes("?") ? "&" : "?"}notice=${encodeURIComponent(notice)}` : path;
  return c.redirect(url, 303);
}
