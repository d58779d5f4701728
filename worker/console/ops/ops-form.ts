import type { Context } from "hono";
import type { OperationId } from "../../core/api/operations.ts";
import { callOperation, type OperationInput } from "../console-api.ts";
import type { ConsoleEnv } from "../console-env.ts";
import { withForm } from "../console-form.ts";
import { type Problem, problemOf } from "../form-problem.ts";
import type { NOTICES } from "../notices.ts";
import { seeOther } from "../render.ts";

// The operator pages' views name the shape from here.
export type { Problem } from "../form-problem.ts";

type Notice = keyof typeof NOTICES;
/** An operator page drawn again with why a form was not acted on, at the problem's status. */
type Show = (c: Context<ConsoleEnv>, problem: Problem) => Response | Promise<Response>;

/**
 * The operator pages' forms (flags, tokens, alerts, webhooks, subscribers):
 * the handler gets the fields; a refused form re-renders the page with why,
 * as an API refusal does. Nothing is acted on before the CSRF check
 * (console-form.ts).
 */
export function opsPost(
  show: Show,
  handler: (c: Context<ConsoleEnv>, form: URLSearchParams) => Response | Promise<Response>,
) {
  return withForm(handler, (c, refusal) => show(c, problemOf(refusal)));
}

/** A path parameter as sent, bounded: ids and names in the console's addresses are short. */
export function param(c: Context, name: string): string {
  return (c.req.param(name) ?? "").slice(0, 200);
}

/** A lift form's choice of what to do with what the hold kept back (holds.lift*), bounded. */
export function pendingChoice(form: URLSearchParams): OperationInput {
  return { query: { pending: (form.get("pending") ?? "").slice(0, 20) } };
}

/**
 * One button's operation on the thing the address names (`:id`, or
 * `action.key`), then back to the section's page with a notice; a refusal,
 * the form's or the API's, re-renders the page with it.
 *
 * With `confirm`, the second step of an action that cannot be undone (revoke
 * a token, delete an endpoint): its confirm page's form sends `confirm=yes`;
 * anything else goes back to that page.
 */
export function opsAction<T = unknown>(
  show: Show,
  action: {
    operation: OperationId;
    section: string;
    notice: Notice | ((body: T) => Notice);
    key?: string;
    input?: (form: URLSearchParams) => OperationInput;
    confirm?: true;
  },
) {
  return opsPost(show, async (c, form) => {
    const key = action.key ?? "id";
    const target = param(c, key);
    if (action.confirm && form.get("confirm") !== "yes") {
      return seeOther(c, `/console/${action.section}/${encodeURIComponent(target)}/${c.req.path.split("/").at(-1)}`);
    }
    const done = await callOperation<T>(c, action.operation, { ...action.input?.(form), params: { [key]: target } });
    if (!done.ok) return show(c, problemOf(done));
    const notice = typeof action.notice === "function" ? action.notice(done.body) : action.notice;
    return seeOther(c, `/console/${action.section}`, notice);
  });
}
