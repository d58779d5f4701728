import type { Context, Hono } from "hono";
import { isUrlEncoded, readFormText } from "../api/read-form.ts";
import type { ConsoleEnv } from "./console-env.ts";
import { csrfMatches } from "./csrf.ts";
import { refuse } from "./render.ts";

/** Room for a post-incident report's four parts at their API limits, and no more. */
export const CONSOLE_FORM_LIMIT = 256_000;

export type FormRefusal = { status: 400 | 403 | 413 | 415; message: string };

/**
 * A console form as its fields, or why it is refused: not a form, too big,
 * or not carrying this browser's CSRF value (csrf.ts). Nothing is read
 * beyond the limit, and nothing is acted on before the CSRF check.
 */
export async function readConsoleForm(c: Context): Promise<URLSearchParams | FormRefusal> {
  if (!isUrlEncoded(c.req.header("content-type"))) {
    c.req.raw.body?.cancel().catch(() => undefined);
    return { status: 415, message: "Send the form as the console does (application/x-www-form-urlencoded)." };
  }
  const text = await readFormText(c.req.raw, CONSOLE_FORM_LIMIT);
  if (text === null) return { status: 413, message: "That form is too large." };
  const form = new URLSearchParams(text);
  if (!csrfMatches(c, form)) {
    return {
      status: 403,
      message:
        "This form was not sent from this console page, or it is older than your sign-in. Reload it and send again.",
    };
  }
  return form;
}

export function isRefusal(value: URLSearchParams | FormRefusal): value is FormRefusal {
  return !(value instanceof URLSearchParams);
}

type Answer = Response | Promise<Response>;

/**
 * A POST route's handler, run only on a form readConsoleForm accepted. A
 * refused one is answered in plain words (render.ts refuse) unless the page
 * shows its refusals itself (ops/ops-form.ts opsPost).
 */
export function withForm<P extends string = string>(
  handler: (c: Context<ConsoleEnv, P>, form: URLSearchParams) => Answer,
  refused: (c: Context<ConsoleEnv, P>, refusal: FormRefusal) => Answer = refuse,
): (c: Context<ConsoleEnv, P>) => Promise<Response> {
  return async (c) => {
    const form = await readConsoleForm(c);
    return isRefusal(form) ? refused(c, form) : handler(c, form);
  };
}

/**
 * `app.post(path, withForm(handler))`, with the path's parameters known to
 * the handler (Hono types `c.req.param` from the path it is given).
 */
export function postForm<P extends string>(
  app: Hono<ConsoleEnv>,
  path: P,
  handler: (c: Context<ConsoleEnv, P>, form: URLSearchParams) => Answer,
): void {
  app.post(path, withForm<P>(handler));
}

const REVISION = /^[0-9]{1,12}$/;

/** The revision of the record a form was drawn from (its hidden field), for If-Match; null if missing or mangled. */
export function formRevision(form: URLSearchParams): number | null {
  const revision = form.get("revision") ?? "";
  return REVISION.test(revision) ? Number(revision) : null;
}
