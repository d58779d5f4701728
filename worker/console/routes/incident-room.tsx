import { type Context, Hono } from "hono";
import { fieldProblems } from "../../api/zod-problems.ts";
import type { IncidentUpdateCreate } from "../../core/api/schemas.ts";
import { incidentUpdateCreate } from "../../core/api/schemas.ts";
import { type PlannedUpdate, previewUpdate } from "../../core/incidents/update-preview.ts";
import type { IncidentNote, IncidentView } from "../../core/read-model.ts";
import { type ComponentStatus, INCIDENT_STATUSES, type IncidentStatus } from "../../core/statuses.ts";
import type { Site } from "../../site.ts";
import { callOperation } from "../console-api.ts";
import type { ConsoleEnv } from "../console-env.ts";
import { postForm } from "../console-form.ts";
import { needsFix, type Problem, problemOf } from "../form-problem.ts";
import { noticeOf } from "../notices.ts";
import { onceOf } from "../once.ts";
import { layoutProps, renderConsole, seeOther } from "../render.ts";
import { severitiesFor } from "../severities.ts";
import { TO_DASHBOARD, unavailable } from "../unavailable.tsx";
import { ConsoleLayout } from "../views/console-layout.tsx";
import { IncidentRoomPage } from "../views/incident-room-page.tsx";
import { type ComposerValues, ROLE_FIELDS, type RoomForm, type RoomPageProps } from "../views/room-state.ts";

type C = Context<ConsoleEnv>;
type Extra = Partial<Pick<RoomPageProps, "composer" | "resolve" | "preview" | "problem" | "typed" | "note" | "notice">>;

const STALE =
  "Someone else changed this incident since you opened this page; it now shows their change. What you typed is kept below: send it again to replace theirs, or adjust it.";

/** The incident room (GET /console/incidents/:id) and its forms: update, preview, note, roles, details. */
export function incidentRoomRoutes(site: Site) {
  const app = new Hono<ConsoleEnv>();

  /** The room as it stands now, with whatever a form brought back; the console's 404 page for an unknown id. */
  async function room(c: C, id: string, extra: Extra = {}, status = 200): Promise<Response> {
    const snapshot = await site.snapshot(c.env);
    const read = await callOperation<IncidentView>(c, "incidents.get", { params: { id } });
    if (!read.ok) {
      if (read.status === 404) return unavailable(c, snapshot.page, read, "incident", TO_DASHBOARD);
      // Any other failure is a page of the room's own, a server's as 502 (unavailable.tsx answers it in plain text).
      return renderConsole(
        c,
        <ConsoleLayout {...layoutProps(c, snapshot.page)} title="The incident could not be read">
          <p>{read.message}</p>
          <p>
            <a href={TO_DASHBOARD.href}>{TO_DASHBOARD.label}</a>
          </p>
        </ConsoleLayout>,
        read.status >= 500 ? 502 : read.status,
      );
    }
    const incident = read.body;
    const [notes, severities] = await Promise.all([
      callOperation<{ data: IncidentNote[] }>(c, "incidents.notes.list", { params: { id } }),
      severitiesFor(c),
    ]);
    return renderConsole(
      c,
      <IncidentRoomPage
        snapshot={snapshot}
        incident={incident}
        etag={read.etag ?? ""}
        notes={notes.ok ? notes.body.data : null}
        viewer={c.var.viewer}
        csrf={c.var.csrf}
        notice={extra.notice ?? noticeOf(c.req.query("notice"))}
        composer={extra.composer ?? freshComposer(incident)}
        resolve={extra.resolve}
        severities={severities}
        preview={extra.preview}
        problem={extra.problem}
        typed={extra.typed}
        note={extra.note}
      />,
      status,
    );
  }

  // The declare form (another part of the console) lives at /console/incidents/new: not an id.
  app.get("/incidents/:id", (c, next) => (c.req.param("id") === "new" ? next() : room(c, c.req.param("id"))));

  /** The room again with a form's problem beside that form, at the problem's status. */
  const again = (c: C, id: string, form: RoomForm, problem: Problem, extra: Extra = {}) =>
    room(c, id, { ...extra, problem: { form, message: problem.message, fields: problem.fields } }, problem.status);

  postForm(app, "/incidents/:id/updates", async (c, form) => {
    const id = c.req.param("id");
    const read = await callOperation<IncidentView>(c, "incidents.get", { params: { id } });
    if (!read.ok) return room(c, id);
    const snapshot = await site.snapshot(c.env);
    const current = new Map(snapshot.components.map((component) => [component.id, component.status]));
    const typed = composerFrom(form, read.body);
    const body = updateBody(typed.values, typed.status, current);
    // The Resolve form posts here too: what was typed goes back into the form it came from.
    const fromResolve = form.get("form") === "resolve";
    const kept: Extra = fromResolve
      ? { composer: freshComposer(read.body), resolve: { message: typed.values.message, notify: typed.values.notify } }
      : { composer: typed.values };
    const refused = (problem: Problem) => again(c, id, fromResolve ? "resolve" : "update", problem, kept);
    if (form.get("action") === "preview") {
      const parsed = incidentUpdateCreate.safeParse(body);
      if (!parsed.success) return refused(needsFix(fieldProblems(parsed.error)));
      // The object works out what posting would record (a resolve's hand-back included), as posting does.
      const planned = await callOperation<PlannedUpdate>(c, "incidents.updates.preview", { params: { id }, body });
      if (!planned.ok) return refused(problemOf(planned));
      const origin = (c.env.PUBLIC_URL || snapshot.page.url || new URL(c.req.url).origin).replace(/\/$/, "");
      const preview = previewUpdate(
        snapshot,
        read.body,
        { status: parsed.data.status, message: parsed.data.message, notify: parsed.data.notify },
        planned.body,
        origin,
        new Date().toISOString(),
      );
      return room(c, id, { ...kept, preview });
    }
    const posted = await callOperation(c, "incidents.updates.create", { params: { id }, body, once: onceOf(form) });
    if (!posted.ok) return refused(problemOf(posted));
    return seeOther(c, `/console/incidents/${id}`, body.status === "resolved" ? "incident-resolved" : "update-posted");
  });

  postForm(app, "/incidents/:id/notes", async (c, form) => {
    const id = c.req.param("id");
    const note = form.get("message") ?? "";
    const added = await callOperation(c, "incidents.notes.create", {
      params: { id },
      body: { message: note },
      once: onceOf(form),
    });
    if (!added.ok) return again(c, id, "note", problemOf(added), { note });
    return seeOther(c, `/console/incidents/${id}`, "note-added");
  });

  postForm(app, "/incidents/:id/edit", async (c, form) => {
    const id = c.req.param("id");
    const which = form.get("form") === "details" ? "details" : "roles";
    const typed: Record<string, string> = {};
    const body: Record<string, string | null> = {};
    if (which === "roles") {
      for (const role of ROLE_FIELDS) {
        const value = (form.get(role.name) ?? "").trim();
        typed[role.name] = value;
        body[role.name] = value === "" ? null : value;
      }
    } else {
      typed.name = form.get("name") ?? "";
      body.name = typed.name;
      // A severity sets the impact from its mapping (the API's rule); none chosen leaves both as they are.
      typed.severity = form.get("severity") ?? "";
      if (typed.severity !== "") body.severity = typed.severity;
      if (form.get("visibility") === "public") typed.visibility = body.visibility = "public";
    }
    const edited = await callOperation(c, "incidents.edit", {
      params: { id },
      body,
      ifMatch: form.get("etag") || null,
    });
    if (!edited.ok) {
      const message = edited.status === 412 ? STALE : edited.message;
      return again(c, id, which, { ...problemOf(edited), message }, { typed });
    }
    return seeOther(c, `/console/incidents/${id}`, which === "roles" ? "roles-saved" : "incident-edited");
  });

  return app;
}

function freshComposer(incident: IncidentView): ComposerValues {
  const status = incident.status === "postmortem" ? "resolved" : incident.status;
  return { status, message: "", components: {}, notify: true };
}

/** What the composer said, kept as typed; a status outside the vocabulary is passed on for the API to name. */
function composerFrom(form: URLSearchParams, incident: IncidentView): { values: ComposerValues; status: string } {
  const components: Record<string, ComponentStatus> = {};
  for (const [name, value] of form) {
    if (name.startsWith("component.")) components[name.slice("component.".length)] = value as ComponentStatus;
  }
  const added = form.get("add_component");
  if (added) components[added] = (form.get("add_status") ?? "major_outage") as ComponentStatus;
  const status = form.get("status") ?? "";
  const known = (INCIDENT_STATUSES as readonly string[]).includes(status);
  return {
    values: {
      status: known ? (status as IncidentStatus) : incident.status,
      message: form.get("message") ?? "",
      components,
      notify: form.get("notify") === "on",
    },
    status,
  };
}

/**
 * The API body: the components whose selected status differs from what they
 * show now (a select left alone changes nothing; resolving hands those back).
 */
function updateBody(
  composer: ComposerValues,
  status: string,
  current: Map<string, ComponentStatus>,
): IncidentUpdateCreate & { components?: Record<string, ComponentStatus> } {
  const components: Record<string, ComponentStatus> = {};
  for (const [id, selected] of Object.entries(composer.components)) {
    if (current.get(id) !== selected) components[id] = selected;
  }
  return {
    status: status as IncidentStatus,
    message: composer.message,
    notify: composer.notify,
    ...(Object.keys(components).length > 0 ? { components } : {}),
  };
}
