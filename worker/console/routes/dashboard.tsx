import { Hono } from "hono";
import type { Site } from "../../site.ts";
import type { ConsoleEnv } from "../console-env.ts";
import { loadDashboard } from "../dashboard-data.ts";
import { noticeOf } from "../notices.ts";
import { renderConsole } from "../render.ts";
import { may } from "../sections.ts";
import { severitiesFor } from "../severities.ts";
import { DashboardPage } from "../views/dashboard-page.tsx";

/** The console's front page: the page's state as the team needs it at a glance. */
export function dashboardRoutes(site: Site) {
  const app = new Hono<ConsoleEnv>();
  app.get("/", async (c) => {
    const [snapshot, data, severities] = await Promise.all([site.snapshot(c.env), loadDashboard(c), severitiesFor(c)]);
    return renderConsole(
      c,
      <DashboardPage
        snapshot={snapshot}
        viewer={c.var.viewer}
        csrf={c.var.csrf}
        data={data}
        severities={severities}
        mayDeclare={may(c.var.viewer.scopes, "incidents.create")}
        notice={noticeOf(c.req.query("notice"))}
      />,
    );
  });
  return app;
}
