import { type Context, Hono } from "hono";
import type { OperationId } from "../../core/api/operations.ts";
import type { Site } from "../../site.ts";
import { callOperation, type OperationInput } from "../console-api.ts";
import type { ConsoleEnv } from "../console-env.ts";
import { type Problem, problemOf } from "../form-problem.ts";
import { noticeOf } from "../notices.ts";
import { confirmStep } from "../ops/confirm-step.tsx";
import { opsAction, opsPost, param, pendingChoice } from "../ops/ops-form.ts";
import { layoutProps, refuse, renderConsole } from "../render.ts";
import { endpointOrigin, type WebhookRow, WebhookSecretPage, WebhooksPage } from "../views/ops/webhooks-page.tsx";

/** /console/webhooks: endpoints' health; test, rotate, hold and lift, enable, delete (webhooks.*, holds.*). */
export function webhooksRoutes(site: Site) {
  const app = new Hono<ConsoleEnv>();

  const show = async (c: Context<ConsoleEnv>, problem?: Problem) => {
    const hooks = await callOperation<{ data: WebhookRow[] }>(c, "webhooks.list");
    if (!hooks.ok) return refuse(c, hooks);
    const holds = await callOperation<{ data: { kind: string; target: string }[] }>(c, "holds.list");
    const held = new Set(holds.ok ? holds.body.data.filter((h) => h.kind === "webhook").map((h) => h.target) : []);
    const snapshot = await site.snapshot(c.env);
    return renderConsole(
      c,
      <WebhooksPage
        {...layoutProps(c, snapshot.page)}
        webhooks={hooks.body.data}
        held={held}
        notice={noticeOf(c.req.query("notice"))}
        problem={problem}
      />,
      problem?.status ?? 200,
    );
  };

  const action = (operation: OperationId, notice: string, input?: (form: URLSearchParams) => OperationInput) =>
    opsAction(show, { operation, section: "webhooks", notice, input });

  app.get("/webhooks", (c) => show(c));
  app.post("/webhooks/:id/test", action("webhooks.test", "webhook-tested"));
  app.post("/webhooks/:id/hold", action("holds.holdWebhook", "webhook-held"));
  app.post("/webhooks/:id/lift", action("holds.liftWebhook", "webhook-lifted", pendingChoice));
  app.post(
    "/webhooks/:id/enable",
    action("webhooks.edit", "webhook-enabled", () => ({ body: { enabled: true } })),
  );

  app.post(
    "/webhooks/:id/rotate",
    opsPost(show, async (c, form) => {
      const id = param(c, "id");
      const overlap = form.get("overlapSeconds") ?? "";
      const rotated = await callOperation<{ secret: string; previousSecretValidUntil: string | null }>(
        c,
        "webhooks.rotate",
        { params: { id }, body: { overlapSeconds: /^\d{1,7}$/.test(overlap) ? Number(overlap) : overlap } },
      );
      if (!rotated.ok) return show(c, problemOf(rotated));
      const hook = await callOperation<WebhookRow>(c, "webhooks.get", { params: { id } });
      const snapshot = await site.snapshot(c.env);
      if (!hook.ok) return show(c, problemOf(hook));
      return renderConsole(
        c,
        <WebhookSecretPage {...layoutProps(c, snapshot.page)} hook={hook.body} secrets={rotated.body} />,
      );
    }),
  );

  confirmStep(app, site, show, {
    section: "webhooks",
    verb: "delete",
    operation: "webhooks.delete",
    notice: "webhook-deleted",
    button: "Delete it now",
    ask: async (c, id) => {
      const hook = await callOperation<WebhookRow>(c, "webhooks.get", { params: { id } });
      if (!hook.ok) return show(c, problemOf(hook));
      return {
        title: `Delete the webhook to ${endpointOrigin(hook.body.url)}?`,
        body: (
          <p>
            Its {hook.body.waiting} waiting deliveries are dropped, and it gets nothing more. Its owner can register
            again from the public page.
          </p>
        ),
      };
    },
  });

  return app;
}
