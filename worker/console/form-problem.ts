import type { FieldProblem } from "../core/api/contract.ts";

/**
 * Why a form was not acted on, shown above it (views/form-problems.tsx), the
 * page answered with its status. The API's refusals have this shape already
 * (console-api.ts), so the console's own checks say theirs the same way.
 */
export interface Problem {
  status: number;
  message: string;
  fields: FieldProblem[];
}

/** Fields the console checks itself before asking the API, named as the API would name them. */
export function needsFix(fields: FieldProblem[]): Problem {
  return { status: 400, message: "Some fields need a fix.", fields };
}

/** One field the console itself requires. */
export function missing(path: string, message: string): Problem {
  return needsFix([{ path, message }]);
}

/** A refusal, the API's or a form's (console-form.ts), as a Problem to show. */
export function problemOf(refusal: { status: number; message: string; fields?: FieldProblem[] }): Problem {
  return { status: refusal.status, message: refusal.message, fields: refusal.fields ?? [] };
}
