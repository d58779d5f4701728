import { type Context, Hono } from "hono";
import { etagOf } from "../../core/api/contract.ts";
import type { MaintenanceView } from "../../core/read-model.ts";
import type { Site } from "../../site.ts";
import { callOperation } from "../console-api.ts";
import type { ConsoleEnv } from "../console-env.ts";
import { formRevision, postForm } from "../console-form.ts";
import { needsFix, type Problem, problemOf } from "../form-problem.ts";
import { BLANK_MAINTENANCE, maintenanceBody, readMaintenanceForm, windowInstants } from "../maintenance-form.ts";
import { noticeOf } from "../notices.ts";
import { onceOf } from "../once.ts";
import { layoutProps, refuse, renderConsole, seeOther } from "../render.ts";
import { unavailable } from "../unavailable.tsx";
import { MaintenanceNewPage } from "../views/maintenance-new-page.tsx";
import { MaintenancePage } from "../views/maintenance-page.tsx";
import { MaintenancesPage } from "../views/maintenances-page.tsx";

type C = Context<ConsoleEnv>;

/** Windows one list shows: the API's largest page. */
const LISTED = 100;
const LIST = { href: "/console/maintenances", label: "Back to maintenances" };

/**
 * Maintenances (README "Maintenances"): the list, scheduling one, and one
 * window's page to move it, post an update or call it off. Times typed are
 * wall times in the page's time zone (decision 0049).
 */
export function maintenanceRoutes(site: Site) {
  const app = new Hono<ConsoleEnv>();
  const pageOf = async (c: C) => (await site.snapshot(c.env)).page;
  const at = (id: string) => `/console/maintenances/${encodeURIComponent(id)}`;

  app.get("/maintenances", async (c) => {
    const page = await pageOf(c);
    type Listed = { data: MaintenanceView[]; nextCursor: string | null };
    // One read per status: upcoming windows soonest first, so that a long list of them never hides the next one.
    const lists = await Promise.all(
      (["scheduled", "in_progress", "verifying", "completed"] as const).map((status) =>
        callOperation<Listed>(c, "maintenances.list", {
          query: { status, order: status === "scheduled" ? "asc" : "desc", limit: String(LISTED) },
        }),
      ),
    );
    const refused = lists.find((list) => !list.ok);
    if (refused && !refused.ok) return refuse(c, refused);
    const [upcoming, ...others] = lists.flatMap((list) => (list.ok ? [list.body] : []));
    return renderConsole(
      c,
      <MaintenancesPage
        {...layoutProps(c, page)}
        upcoming={upcoming?.data ?? []}
        maintenances={others.flatMap((list) => list.data)}
        more={lists.some((list) => list.ok && list.body.nextCursor !== null)}
        notice={noticeOf(c.req.query("notice"))}
      />,
    );
  });

  const newPage = async (c: C, values = BLANK_MAINTENANCE, problem?: Problem) => {
    const snapshot = await site.snapshot(c.env);
    return renderConsole(
      c,
      <MaintenanceNewPage
        {...layoutProps(c, snapshot.page)}
        components={snapshot.components}
        values={values}
        problem={problem}
      />,
      problem?.status ?? 200,
    );
  };

  app.get("/maintenances/new", (c) => newPage(c));

  postForm(app, "/maintenances/new", async (c, form) => {
    const values = readMaintenanceForm(form);
    const built = maintenanceBody(values, (await pageOf(c)).timeZone);
    if (!built.ok) return newPage(c, values, needsFix(built.fields));
    const created = await callOperation<MaintenanceView>(c, "maintenances.create", {
      body: built.body,
      once: onceOf(form),
    });
    if (created.ok) return seeOther(c, at(created.body.id), "maintenance-scheduled");
    return newPage(c, values, problemOf(created));
  });

  /** One maintenance's page, with what was typed kept when a form was refused. */
  const show = async (c: C, id: string, typed?: Record<string, string>, problem?: Problem) => {
    const snapshot = await site.snapshot(c.env);
    const read = await callOperation<MaintenanceView>(c, "maintenances.get", { params: { id } });
    if (!read.ok) return unavailable(c, snapshot.page, read, "maintenance", LIST);
    return renderConsole(
      c,
      <MaintenancePage
        {...layoutProps(c, snapshot.page)}
        maintenance={read.body}
        componentNames={new Map(snapshot.components.map((component) => [component.id, component.name]))}
        typed={typed}
        problem={problem}
        notice={noticeOf(c.req.query("notice"))}
      />,
      problem?.status ?? 200,
    );
  };

  app.get("/maintenances/:id", (c) => show(c, c.req.param("id")));

  postForm(app, "/maintenances/:id/move", async (c, form) => {
    const id = c.req.param("id");
    const typed = {
      ...(form.has("scheduledFor") ? { scheduledFor: form.get("scheduledFor") ?? "" } : {}),
      scheduledUntil: form.get("scheduledUntil") ?? "",
    };
    const window = windowInstants(typed, (await pageOf(c)).timeZone);
    if (!window.ok) return show(c, id, typed, needsFix(window.fields));
    const revision = formRevision(form);
    if (revision === null) {
      const message = "The form lost track of which version it moves: reload.";
      return show(c, id, typed, { status: 400, message, fields: [{ path: "revision", message: "missing" }] });
    }
    const moved = await callOperation(c, "maintenances.edit", {
      params: { id },
      body: window.instants,
      ifMatch: etagOf(revision),
    });
    if (moved.ok) return seeOther(c, at(id), "maintenance-moved");
    const message =
      moved.status === 412
        ? "Someone changed this maintenance since you opened it. Check the window shown now, then move it again."
        : moved.message;
    return show(c, id, typed, { ...problemOf(moved), message });
  });

  postForm(app, "/maintenances/:id/updates", async (c, form) => {
    const id = c.req.param("id");
    const typed = { status: form.get("status") ?? "", message: form.get("message") ?? "" };
    const notify = form.has("notify");
    const posted = await callOperation(c, "maintenances.updates.create", {
      params: { id },
      body: { ...typed, notify },
      once: onceOf(form),
    });
    if (posted.ok) return seeOther(c, at(id), "maintenance-updated");
    // The box comes back as it was sent: a refused quiet update must not turn into a loud one on the retry.
    return show(c, id, { ...typed, notify: notify ? "on" : "" }, problemOf(posted));
  });

  postForm(app, "/maintenances/:id/cancel", async (c, form) => {
    const id = c.req.param("id");
    const message = (form.get("message") ?? "").trim();
    const notify = form.has("notify");
    const cancelled = await callOperation(c, "maintenances.cancel", {
      params: { id },
      body: { ...(message ? { message } : {}), notify },
    });
    if (cancelled.ok) return seeOther(c, at(id), "maintenance-cancelled");
    const fields = cancelled.fields.map((f) => (f.path === "message" ? { ...f, path: "cancel message" } : f));
    const kept = { cancelMessage: message, cancelNotify: notify ? "on" : "" };
    return show(c, id, kept, { ...problemOf(cancelled), fields });
  });

  return app;
}
