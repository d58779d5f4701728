import type { Context } from "hono";
import { isUrlEncoded, readFormText } from "../api/read-form.ts";
import { csrfMatches } from "./csrf.ts";

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
