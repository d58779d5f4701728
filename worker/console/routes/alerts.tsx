import { type Context, Hono } from "hono";
import type { OperationId } from "../../core/api/operations.ts";
import type { Site } from "../../site.ts";
import { callOperation } from "../console-api.ts";
import type { ConsoleEnv } from "../console-env.ts";
import { noticeOf } from "../notices.ts";
import { isProblem, opsForm, type Problem, param, problemOf } from "../ops/ops-form.ts";
import { refuse, renderConsole, seeOther } from "../render.ts";
import { type AlertRow, AlertsPage, type ChannelRow } from "../views/ops/alerts-page.tsx";

/** /console/alerts: acknowledge alerts; test, hold and lift alert channels (alerts.*, alertChannels.*, holds.*). */
export function alertsRoutes(site: Site) {
  const app = new Hono<ConsoleEnv>();

  const show = async (c: Context<ConsoleEnv>, problem?: Problem) => {
    const alerts = await callOperation<{ data: AlertRow[] }>(c, "alerts.list", { query: { limit: "100" } });
    if (!alerts.ok) return refuse(c, alerts);
    const channels = await callOperation<{ data: ChannelRow[] }>(c, "alertChannels.list");
    const snapshot = await site.snapshot(c.env);
    return renderConsole(
      c,
      <AlertsPage
        page={snapshot.page}
        viewer={c.var.viewer}
        csrf={c.var.csrf}
        alerts={alerts.body.data}
        channels={channels.ok ? channels.body.data : []}
        notice={noticeOf(c.req.query("notice"))}
        problem={problem}
      />,
      problem?.status ?? 200,
    );
  };

  /** One button's operation: CSRF-checked, then the API decides; back to the page with a notice. */
  const action =
    (
      operation: OperationId,
      notice: string,
      key: "id" | "channel",
      query?: (form: URLSearchParams) => Record<string, string>,
    ) =>
    async (c: Context<ConsoleEnv>) => {
      const form = await opsForm(c);
      if (isProblem(form)) return show(c, form);
      const answer = await callOperation(c, operation, {
        params: { [key]: param(c, key) },
        query: query?.(form) ?? {},
      });
      if (!answer.ok) return show(c, problemOf(answer));
      return seeOther(c, "/console/alerts", notice);
    };

  app.get("/alerts", (c) => show(c));
  app.post("/alerts/:id/ack", action("alerts.ack", "alert-acked", "id"));
  app.post("/alerts/channels/:channel/test", action("alertChannels.test", "channel-tested", "channel"));
  app.post("/alerts/channels/:channel/hold", action("holds.holdChannel", "channel-held", "channel"));
  app.post(
    "/alerts/channels/:channel/lift",
    action("holds.liftChannel", "channel-lifted", "channel", (form) => ({
      pending: (form.get("pending") ?? "").slice(0, 20),
    })),
  );
  return app;
}
