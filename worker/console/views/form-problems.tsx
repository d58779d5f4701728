import type { FieldProblem } from "../../core/api/contract.ts";

/** What was wrong with what was sent, at the top of the form, announced to screen readers. */
export function FormProblems({ message, fields }: { message: string | undefined; fields?: FieldProblem[] }) {
  if (!message) return null;
  return (
    <div class="problems" role="alert">
      <p>{message}</p>
      {fields && fields.length > 0 ? (
        <ul>
          {fields.map((field) => (
            <li>
              <code>{field.path}</code>: {field.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
