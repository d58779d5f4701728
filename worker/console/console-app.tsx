import { Hono } from "hono";
import { refuseCrossSitePosts } from "../middleware/cross-site-posts.ts";
import { statusPageStub } from "../platform/stubs.ts";
import type { Site } from "../site.ts";
import type { ConsoleEnv } from "./console-env.ts";
import { ReadBatch } from "./read-batch.ts";
import { refuse } from "./render.ts";
import { alertsRoutes } from "./routes/alerts.tsx";
import { auditRoutes } from "./routes/audit.tsx";
import { dashboardRoutes } from "./routes/dashboard.tsx";
import { flagsRoutes } from "./routes/flags.tsx";
import { incidentRoomRoutes } from "./routes/incident-room.tsx";
import { incidentRoutes } from "./routes/incidents.tsx";
import { maintenanceRoutes } from "./routes/maintenances.tsx";
import { reportRoutes } from "./routes/report.tsx";
import { signInRoutes } from "./routes/sign-in.tsx";
import { subscribersRoutes } from "./routes/subscribers.tsx";
import { tokensRoutes } from "./routes/tokens.tsx";
import { webhooksRoutes } from "./routes/webhooks.tsx";
import { requireViewer } from "./viewer.ts";

/**
 * The incident console at /console: server-rendered pages and plain forms
 * over the communicator API (README "The console"). Sign-in is open; every
 * other page needs a session (viewer.ts), and every form this browser's CSRF
 * value (csrf.ts).
 */
export function consoleApp(site: Site) {
  const app = new Hono<ConsoleEnv>();
  app.use("*", async (c, next) => {
    c.set("noteWrite", () => site.noteWrite());
    c.set("reads", new ReadBatch((calls) => statusPageStub(c.env).apiReads(calls)));
    await next();
  });
  app.use(
    "*",
    refuseCrossSitePosts((c) =>
      refuse(c, { status: 403, message: "Console forms are sent from the console's own pages only." }),
    ),
  );
  app.route("/", signInRoutes(site));
  app.use("*", requireViewer(site));
  const signedIn = [
    dashboardRoutes,
    // Before the incident room's /incidents/:id, so /incidents/new is the declare form.
    incidentRoutes,
    reportRoutes,
    maintenanceRoutes,
    incidentRoomRoutes,
    flagsRoutes,
    tokensRoutes,
    auditRoutes,
    alertsRoutes,
    webhooksRoutes,
    subscribersRoutes,
  ];
  for (const routes of signedIn) app.route("/", routes(site));
  return app;
}
