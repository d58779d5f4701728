import type { Context } from "hono";
import type { FieldProblem } from "../../core/api/contract.ts";
import type { OperationId } from "../../core/api/operations.ts";
import { type ApiOutcome, callOperation } from "../console-api.ts";
import type { ConsoleEnv } from "../console-env.ts";
import { isRefusal, readConsoleForm } from "../console-form.ts";
import type { NOTICES } from "../notices.ts";
import { seeOther } from "../render.ts";

/** Why a form was not acted on, shown above it (FormProblems) with the answer's status. */
export interface Problem {
  status: number;
  message: string;
  fields: FieldProblem[];
}

/**
 * The operator pages' forms (flags, tokens, audit, alerts, webhooks,
 * subscribers): the fields, or the refusal as a Problem to re-render the
 * page with. Nothing is acted on before the CSRF check (console-form.ts).
 */
export async function opsForm(c: Context<ConsoleEnv>): Promise<URLSearchParams | Problem> {
  const form = await readConsoleForm(c);
  if (isRefusal(form)) return { status: form.status, message: form.message, fields: [] };
  return form;
}

export function isProblem(value: unknown): value is Problem {
  return typeof value === "object" && value !== null && "status" in value && "message" in value;
}

/** A field the console itself requires before asking the API, named as the API would name it. */
export function missing(path: string, message: string): Problem {
  return { status: 400, message: "Some fields need a fix.", fields: [{ path, message }] };
}

/** An API refusal as a Problem. */
export function problemOf(outcome: Extract<ApiOutcome<unknown>, { ok: false }>): Problem {
  return { status: outcome.status, message: outcome.message, fields: outcome.fields };
}

/** A path parameter as sent, bounded: ids and names in the console's addresses are short. */
export function param(c: Context, name: string): string {
  return (c.req.param(name) ?? "").slice(0, 200);
}

/**
 * The second step of an action that cannot be undone (revoke a token, delete
 * an endpoint): its confirm page's form sends `confirm=yes`; anything else goes
 * back to that page. Then the one operation on the `:id` in the address, and
 * back to the list with a notice, or the page again with the refusal.
 */
export async function confirmedAction(
  c: Context<ConsoleEnv>,
  action: { operation: OperationId; section: string; notice: keyof typeof NOTICES },
  show: (c: Context<ConsoleEnv>, problem: Problem) => Response | Promise<Response>,
): Promise<Response> {
  const form = await opsForm(c);
  if (isProblem(form)) return show(c, form);
  const id = param(c, "id");
  const confirmAt = `/console/${action.section}/${encodeURIComponent(id)}/${c.req.path.split("/").at(-1)}`;
  if (form.get("confirm") !== "yes") return seeOther(c, confirmAt);
  const done = await callOperation(c, action.operation, { params: { id } });
  if (!done.ok) return show(c, problemOf(done));
  return seeOther(c, `/console/${action.section}`, action.notice);
}
