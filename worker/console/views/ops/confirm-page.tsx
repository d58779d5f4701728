import type { Child } from "hono/jsx";
import type { PageInfo } from "../../../core/read-model.ts";
import type { Viewer } from "../../console-env.ts";
import { CSRF_FIELD } from "../../csrf.ts";
import { ConsoleLayout } from "../console-layout.tsx";

export interface ConfirmPageProps {
  page: PageInfo;
  viewer: Viewer;
  csrf: string;
  title: string;
  /** The section it belongs to, and where "Keep it" goes back to. */
  back: string;
  /** Where the confirming form posts. */
  action: string;
  button: string;
  children: Child;
}

/**
 * The step between "Revoke…" (or "Delete…") and doing it, as a page of its
 * own: it works without JavaScript, and nothing is destroyed by one stray click.
 */
export function ConfirmPage({ page, viewer, csrf, title, back, action, button, children }: ConfirmPageProps) {
  return (
    <ConsoleLayout page={page} title={title} viewer={viewer} csrf={csrf} path={back}>
      {children}
      <form method="post" action={action} class="ops-actions">
        <input type="hidden" name={CSRF_FIELD} value={csrf} />
        <input type="hidden" name="confirm" value="yes" />
        <button type="submit">{button}</button>
        <a href={back}>Keep it, go back</a>
      </form>
    </ConsoleLayout>
  );
}
