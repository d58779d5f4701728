import { Hono } from "hono";
import config from "#lookout-config";
import type { Site } from "../../site.ts";
import type { ConsoleEnv } from "../console-env.ts";
import { loadDashboard } from "../dashboard-data.ts";
import { noticeOf } from "../notices.ts";
import { renderConsole } from "../render.ts";
import { may } from "../sections.ts";
import { DashboardPage } from "../views/dashboard-page.tsx";

/** The console's front page: the page's state as the team needs it at a glance. */
export function dashboardRoutes(site: Site) {
  const app = new Hono<ConsoleEnv>();
  app.get("/", async (c) => {
    const [snapshot, data] = await Promise.all([site.snapshot(c.env), loadDashboard(c)]);
    return renderConsole(
      c,
      <DashboardPage
        snapshot={snapshot}
        viewer={c.var.viewer}
        csrf={c.var.csrf}
        data={data}
        severities={config.console.severities}
        mayDeclare={may(c.var.viewer.scopes, "incidents.create")}
        notice={noticeOf(c.req.query("notice"))}
      />,
    );
  });
  return app;
}
