import type { Context, Hono } from "hono";
import type { Child } from "hono/jsx";
import type { OperationId } from "../../core/api/operations.ts";
import type { Site } from "../../site.ts";
import type { ConsoleEnv } from "../console-env.ts";
import type { Problem } from "../form-problem.ts";
import type { NOTICES } from "../notices.ts";
import { layoutProps, renderConsole } from "../render.ts";
import { ConfirmPage } from "../views/ops/confirm-page.tsx";
import { opsAction, param } from "./ops-form.ts";

/**
 * An action that cannot be undone (revoke a token, delete an endpoint), in
 * two steps at one address, /console/{section}/:id/{verb}: GET asks
 * (ConfirmPage), POST does it (opsAction with `confirm`). `ask` says what is
 * at stake, or answers itself when there is nothing to ask about.
 */
export function confirmStep(
  app: Hono<ConsoleEnv>,
  site: Site,
  show: (c: Context<ConsoleEnv>, problem: Problem) => Response | Promise<Response>,
  step: {
    section: string;
    verb: string;
    operation: OperationId;
    notice: keyof typeof NOTICES;
    button: string;
    ask: (c: Context<ConsoleEnv>, id: string) => Promise<Response | { title: string; body: Child }>;
  },
): void {
  const path = `/${step.section}/:id/${step.verb}`;
  app.get(path, async (c) => {
    const id = param(c, "id");
    const asked = await step.ask(c, id);
    if (asked instanceof Response) return asked;
    const snapshot = await site.snapshot(c.env);
    return renderConsole(
      c,
      <ConfirmPage
        {...layoutProps(c, snapshot.page)}
        title={asked.title}
        back={`/console/${step.section}`}
        action={`/console/${step.section}/${encodeURIComponent(id)}/${step.verb}`}
        button={step.button}
      >
        {asked.body}
      </ConfirmPage>,
    );
  });
  const { operation, section, notice } = step;
  app.post(path, opsAction(show, { operation, section, notice, confirm: true }));
}
