import { type Context, Hono } from "hono";
import { etagOf } from "../../core/api/contract.ts";
import type { IncidentView, PostIncidentReport } from "../../core/read-model.ts";
import type { ReportDraft } from "../../core/reports/draft-report.ts";
import type { Site } from "../../site.ts";
import { callOperation } from "../console-api.ts";
import type { ConsoleEnv } from "../console-env.ts";
import { formRevision, postForm } from "../console-form.ts";
import { type Problem, problemOf } from "../form-problem.ts";
import { noticeOf } from "../notices.ts";
import { layoutProps, renderConsole, seeOther } from "../render.ts";
import {
  nameReportProblems,
  previewReport,
  type ReportFormValues,
  readReportForm,
  reportBody,
  reportFormValues,
} from "../report-form.ts";
import { TO_DASHBOARD, unavailable } from "../unavailable.tsx";
import { ReportPage } from "../views/report-page.tsx";

type C = Context<ConsoleEnv>;

interface Shown {
  values?: ReportFormValues;
  revision?: number;
  preview?: PostIncidentReport;
  problem?: Problem;
  /** The publish form's "Tell subscribers" box as sent, when that form was refused. */
  publishNotify?: boolean;
}

/**
 * The post-incident report of one incident (README "The report"): read it
 * beside the record, save, preview (writes nothing) and publish, each
 * through the API's reports operations.
 */
export function reportRoutes(site: Site) {
  const app = new Hono<ConsoleEnv>();
  const base = (id: string) => `/console/incidents/${encodeURIComponent(id)}/report`;

  /** The page, with what the person typed kept when there is something to say about it. */
  async function show(c: C, id: string, shown: Shown = {}): Promise<Response> {
    const snapshot = await site.snapshot(c.env);
    const [incident, read] = await Promise.all([
      callOperation<IncidentView>(c, "incidents.get", { params: { id } }),
      callOperation<{ report: PostIncidentReport | null; draft: ReportDraft }>(c, "reports.get", { params: { id } }),
    ]);
    if (!incident.ok) return unavailable(c, snapshot.page, incident, "incident", TO_DASHBOARD);
    if (!read.ok) return unavailable(c, snapshot.page, read, "incident", TO_DASHBOARD);
    const { report, draft } = read.body;
    const values = shown.values ?? reportFormValues(report ?? { ...draft, followUps: [] });
    return renderConsole(
      c,
      <ReportPage
        {...layoutProps(c, snapshot.page)}
        incident={incident.body}
        draft={draft}
        values={values}
        revision={shown.revision ?? incident.body.revision}
        preview={shown.preview}
        publishNotify={shown.publishNotify}
        problem={shown.problem}
        notice={noticeOf(c.req.query("notice"))}
      />,
      shown.problem?.status ?? 200,
    );
  }

  app.get("/incidents/:id/report", (c) => show(c, c.req.param("id")));

  postForm(app, "/incidents/:id/report", async (c, form) => {
    const id = c.req.param("id");
    const values = readReportForm(form);
    const revision = formRevision(form);
    if (revision === null) {
      return show(c, id, {
        values,
        problem: {
          status: 400,
          message: "The form lost track of which version it edits: reload the page.",
          fields: [{ path: "revision", message: "missing" }],
        },
      });
    }
    if (form.get("intent") === "preview") {
      return show(c, id, { values, revision, preview: previewReport(values, nowIso()) });
    }
    const saved = await callOperation(c, "reports.put", {
      params: { id },
      body: reportBody(values),
      ifMatch: etagOf(revision),
    });
    if (saved.ok) return seeOther(c, base(id), "report-saved");
    if (saved.status === 412) {
      // Keep the text; the next save goes onto what is there now, knowingly.
      return show(c, id, {
        values,
        problem: {
          status: 412,
          message:
            "Someone changed this incident since you opened the report (an update, or another save). Your text is " +
            "kept below and was not saved: check the incident, then save again.",
          fields: [],
        },
      });
    }
    return show(c, id, {
      values,
      revision,
      problem: { ...problemOf(saved), fields: nameReportProblems(saved.fields) },
    });
  });

  postForm(app, "/incidents/:id/report/publish", async (c, form) => {
    const id = c.req.param("id");
    const revision = formRevision(form);
    const notify = form.has("notify");
    const published = await callOperation(c, "reports.publish", {
      params: { id },
      body: { notify },
      ifMatch: revision === null ? null : etagOf(revision),
    });
    if (published.ok) return seeOther(c, base(id), "report-published");
    // The box comes back as it was sent: a refused quiet publish must not turn into a loud one on the retry.
    return show(c, id, { publishNotify: notify, problem: problemOf(published) });
  });

  return app;
}

const nowIso = () => new Date().toISOString();
