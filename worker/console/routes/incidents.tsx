import type { Context } from "hono";
import { Hono } from "hono";
import config from "#lookout-config";
import type { IncidentView } from "../../core/read-model.ts";
import type { Site } from "../../site.ts";
import { callOperation } from "../console-api.ts";
import type { ConsoleEnv } from "../console-env.ts";
import { postForm } from "../console-form.ts";
import { type MonitorStates, monitorRow } from "../dashboard-data.ts";
import {
  blankDeclaration,
  type DeclareFields,
  declarationBody,
  fromMonitor,
  fromTemplate,
  readDeclaration,
} from "../declare-form.ts";
import { type Problem, problemOf } from "../form-problem.ts";
import { noticeOf } from "../notices.ts";
import { onceOf } from "../once.ts";
import { layoutProps, refuse, renderConsole, seeOther } from "../render.ts";
import { may } from "../sections.ts";
import { severitiesFor } from "../severities.ts";
import { DeclarePage } from "../views/declare-page.tsx";
import { IncidentsPage } from "../views/incidents-page.tsx";

type Component = { id: string; name: string; hidden: boolean };

/** Every component, hidden ones too, as the API has them; the config's list if this person may not read them. */
async function componentsFor(c: Context<ConsoleEnv>): Promise<Component[]> {
  const answer = await callOperation<{ data: Component[] }>(c, "components.list");
  if (answer.ok) return answer.body.data;
  return config.components.map((component) => ({
    id: component.id,
    name: component.name,
    hidden: component.hidden ?? false,
  }));
}

/** The failing monitor's line, through the API as this person (monitors.states reveals no check-in path). */
async function monitorNamed(c: Context<ConsoleEnv>, id: string) {
  const answer = await callOperation<{ data: MonitorStates[] }>(c, "monitors.states");
  const monitor = answer.ok ? answer.body.data.find((m) => m.id === id) : undefined;
  return monitor ? monitorRow(monitor) : undefined;
}

/** The incidents list and the declare form (README "Declaring an incident"); the room is another page's. */
export function incidentRoutes(site: Site) {
  const app = new Hono<ConsoleEnv>();

  async function declarePage(c: Context<ConsoleEnv>, fields: DeclareFields, problem?: Problem) {
    const [snapshot, components, severities] = await Promise.all([
      site.snapshot(c.env),
      componentsFor(c),
      severitiesFor(c),
    ]);
    return renderConsole(
      c,
      <DeclarePage
        {...layoutProps(c, snapshot.page)}
        fields={fields}
        severities={severities}
        templates={config.console.templates}
        components={components}
        problem={problem}
      />,
      problem?.status ?? 200,
    );
  }

  app.get("/incidents", async (c) => {
    const [snapshot, open, recent, severities] = await Promise.all([
      site.snapshot(c.env),
      callOperation<{ data: IncidentView[] }>(c, "incidents.list", { query: { status: "open", limit: "100" } }),
      callOperation<{ data: IncidentView[] }>(c, "incidents.list", { query: { limit: "50" } }),
      severitiesFor(c),
    ]);
    if (!open.ok) return refuse(c, open);
    const openIds = new Set(open.body.data.map((incident) => incident.id));
    const others = recent.ok ? recent.body.data.filter((incident) => !openIds.has(incident.id)) : [];
    return renderConsole(
      c,
      <IncidentsPage
        {...layoutProps(c, snapshot.page)}
        incidents={[...open.body.data, ...others]}
        severities={severities}
        mayDeclare={may(c.var.viewer.scopes, "incidents.create")}
        notice={noticeOf(c.req.query("notice"))}
      />,
    );
  });

  app.get("/incidents/new", async (c) => {
    // The form is for whoever may declare; the API refuses anyone else's post all the same.
    if (!may(c.var.viewer.scopes, "incidents.create")) {
      return refuse(c, { status: 403, message: "Your role does not declare incidents." });
    }
    const templateId = c.req.query("template");
    const monitorId = c.req.query("monitor");
    if (templateId) {
      const template = config.console.templates.find((t) => t.id === templateId);
      if (!template) {
        return declarePage(c, blankDeclaration(), {
          status: 404,
          message: `There is no template "${templateId}"; start from scratch or pick one above.`,
          fields: [{ path: "template", message: "unknown template" }],
        });
      }
      return declarePage(c, fromTemplate(template));
    }
    if (monitorId) {
      const [monitor, components] = await Promise.all([monitorNamed(c, monitorId), componentsFor(c)]);
      if (!monitor) {
        return declarePage(c, blankDeclaration(), {
          status: 404,
          message: `There is no monitor "${monitorId}" you may read; start from scratch.`,
          fields: [{ path: "monitor", message: "unknown monitor" }],
        });
      }
      return declarePage(c, fromMonitor(monitor, components, await severitiesFor(c)));
    }
    return declarePage(c, blankDeclaration());
  });

  postForm(app, "/incidents/new", async (c, form) => {
    const fields = readDeclaration(form);
    // The API would default an impact; a person declaring names how bad it is.
    if (fields.severity === "") {
      return declarePage(c, fields, {
        status: 400,
        message: "Choose a severity.",
        fields: [{ path: "severity", message: "choose one" }],
      });
    }
    const created = await callOperation<IncidentView>(c, "incidents.create", {
      body: declarationBody(fields),
      once: onceOf(form),
    });
    if (!created.ok) return declarePage(c, fields, problemOf(created));
    return seeOther(c, `/console/incidents/${created.body.id}`, "incident-declared");
  });

  return app;
}
