import type { FieldProblem } from "../core/api/contract.ts";
import type { PostIncidentReport } from "../core/read-model.ts";
import { REPORT_PARTS } from "../core/reports/report-parts.ts";

/** A follow-up row as typed: text only, so a refused form comes back exactly as it was sent. */
export interface FollowUpRow {
  title: string;
  owner: string;
  url: string;
  done: boolean;
}

export interface ReportFormValues {
  summary: string;
  whoWasAffected: string;
  whatHappened: string;
  prevention: string;
  followUps: FollowUpRow[];
}

/**
 * Rows read from a form at most: the API's 50 actions and the blank row
 * offered for a new one, with a little room; anything beyond is not read.
 */
export const MAX_FOLLOW_UP_ROWS = 60;

/** Field names of row `index` (0-based): `followUp-3-title` and so on, numbered as the form shows them. */
export const rowField = (index: number, field: keyof FollowUpRow) => `followUp-${index}-${field}`;

/**
 * The report form's fields, as typed. A row whose title is blank is dropped
 * here: that is how a row is removed without JavaScript, and how the blank
 * row offered for a new action is left unused (decision 0049). Rows are
 * numbered; a gap in the numbering ends nothing.
 */
export function readReportForm(form: URLSearchParams): ReportFormValues {
  const followUps: FollowUpRow[] = [];
  for (let index = 0; index < MAX_FOLLOW_UP_ROWS; index++) {
    const title = form.get(rowField(index, "title"));
    if (title === null || title.trim() === "") continue;
    followUps.push({
      title,
      owner: form.get(rowField(index, "owner")) ?? "",
      url: form.get(rowField(index, "url")) ?? "",
      done: form.has(rowField(index, "done")),
    });
  }
  return {
    summary: form.get("summary") ?? "",
    whoWasAffected: form.get("whoWasAffected") ?? "",
    whatHappened: form.get("whatHappened") ?? "",
    prevention: form.get("prevention") ?? "",
    followUps,
  };
}

/** What a saved report (or a fresh draft) puts in the form. */
export function reportFormValues(report: Omit<PostIncidentReport, "publishedAt" | "updatedAt">): ReportFormValues {
  return {
    summary: report.summary,
    whoWasAffected: report.whoWasAffected,
    whatHappened: report.whatHappened,
    prevention: report.prevention,
    followUps: report.followUps.map((action) => ({
      title: action.title,
      owner: action.owner ?? "",
      url: action.url ?? "",
      done: action.done,
    })),
  };
}

/** The body of reports.put: blank owner and link are none. */
export function reportBody(values: ReportFormValues) {
  return {
    summary: values.summary,
    whoWasAffected: values.whoWasAffected,
    whatHappened: values.whatHappened,
    prevention: values.prevention,
    followUps: values.followUps.map((row) => ({
      title: row.title.trim(),
      owner: row.owner.trim() || null,
      url: row.url.trim() || null,
      done: row.done,
    })),
  };
}

/** The report as readers would get it if it were published now, for the preview. */
export function previewReport(values: ReportFormValues, publishedAt: string): PostIncidentReport {
  return { ...reportBody(values), publishedAt, updatedAt: publishedAt };
}

const ROW_FIELD_NAMES: Record<string, string> = { title: "title", owner: "owner", url: "tracker link", done: "done" };

/**
 * Problems as the form shows the fields: a follow-up by its row's legend
 * ("Action 2, tracker link", the rows shown again after a refusal being the
 * ones sent), the four parts by their headings.
 */
export function nameReportProblems(problems: FieldProblem[]): FieldProblem[] {
  const headings = new Map<string, string>(REPORT_PARTS);
  return problems.map((problem) => {
    const row = /^followUps\.(\d+)\.(\w+)$/.exec(problem.path);
    if (row) {
      const field = ROW_FIELD_NAMES[row[2] ?? ""] ?? row[2];
      return { path: `Action ${Number(row[1]) + 1}, ${field}`, message: problem.message };
    }
    return { path: headings.get(problem.path) ?? problem.path, message: problem.message };
  });
}
