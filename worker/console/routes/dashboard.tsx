import { Hono } from "hono";
import type { IncidentView } from "../../core/read-model.ts";
import type { Site } from "../../site.ts";
import { callOperation } from "../console-api.ts";
import type { ConsoleEnv } from "../console-env.ts";
import { noticeOf } from "../notices.ts";
import { renderConsole } from "../render.ts";
import { DashboardPage } from "../views/dashboard-page.tsx";

/** The console's front page: the page's state as the team needs it at a glance. */
export function dashboardRoutes(site: Site) {
  const app = new Hono<ConsoleEnv>();
  app.get("/", async (c) => {
    const snapshot = await site.snapshot(c.env);
    const open = await callOperation<{ data: IncidentView[] }>(c, "incidents.list", { query: { status: "open" } });
    return renderConsole(
      c,
      <DashboardPage
        snapshot={snapshot}
        viewer={c.var.viewer}
        csrf={c.var.csrf}
        openIncidents={open.ok ? open.body.data : null}
        notice={noticeOf(c.req.query("notice"))}
      />,
    );
  });
  return app;
}
