import { type Context, Hono } from "hono";
import type { OperationId } from "../../core/api/operations.ts";
import type { Site } from "../../site.ts";
import { callOperation, type OperationInput } from "../console-api.ts";
import type { ConsoleEnv } from "../console-env.ts";
import type { Problem } from "../form-problem.ts";
import { noticeOf } from "../notices.ts";
import { opsAction, pendingChoice } from "../ops/ops-form.ts";
import { layoutProps, refuse, renderConsole } from "../render.ts";
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
        {...layoutProps(c, snapshot.page)}
        alerts={alerts.body.data}
        channels={channels.ok ? channels.body.data : []}
        notice={noticeOf(c.req.query("notice"))}
        problem={problem}
      />,
      problem?.status ?? 200,
    );
  };

  app.get("/alerts", (c) => show(c));
  app.post("/alerts/:id/ack", opsAction(show, { operation: "alerts.ack", section: "alerts", notice: "alert-acked" }));
  const channel = (operation: OperationId, notice: string, input?: (form: URLSearchParams) => OperationInput) =>
    opsAction(show, { operation, section: "alerts", notice, key: "channel", input });
  app.post("/alerts/channels/:channel/test", channel("alertChannels.test", "channel-tested"));
  app.post("/alerts/channels/:channel/hold", channel("holds.holdChannel", "channel-held"));
  app.post("/alerts/channels/:channel/lift", channel("holds.liftChannel", "channel-lifted", pendingChoice));
  return app;
}
