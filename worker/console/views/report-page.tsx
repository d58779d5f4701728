import { raw } from "hono/html";
import type { FieldProblem } from "../../core/api/contract.ts";
import { formatDuration } from "../../core/durations.ts";
import type { IncidentView, PageInfo, PostIncidentReport } from "../../core/read-model.ts";
import type { ReportDraft } from "../../core/reports/draft-report.ts";
import { formatExact } from "../../core/reports/exact-time.ts";
import { renderMarkdown } from "../../core/reports/markdown.ts";
import { REPORT_PARTS } from "../../core/reports/report-parts.ts";
import { COMPONENT_STATUS_LABELS, INCIDENT_STATUS_LABELS } from "../../core/statuses.ts";
import { formatDateTime } from "../../views/format.ts";
import { PostIncidentReportSection } from "../../views/post-incident-report.tsx";
import type { Viewer } from "../console-env.ts";
import { CSRF_FIELD } from "../csrf.ts";
import { type FollowUpRow, type ReportFormValues, rowField } from "../report-form.ts";
import { may } from "../sections.ts";
import { ConsoleLayout } from "./console-layout.tsx";
import { FormProblems } from "./form-problems.tsx";

export interface ReportPageProps {
  page: PageInfo;
  viewer: Viewer;
  csrf: string;
  incident: IncidentView;
  draft: ReportDraft;
  /** What the form holds: as typed after a refusal or a preview, else the saved report, else the draft. */
  values: ReportFormValues;
  /** The incident revision the form was read at; saving sends it as If-Match. */
  revision: number;
  /** The public rendering of `values`, when the person asked for a preview. */
  preview?: PostIncidentReport | undefined;
  /** The publish form's "Tell subscribers" box as sent, when publishing was refused; ticked otherwise. */
  publishNotify?: boolean | undefined;
  problem?: { message: string; fields?: FieldProblem[] } | undefined;
  notice?: string | undefined;
}

/**
 * The post-incident report: the four parts and their follow-up actions to
 * edit, and beside them the record they are written from (figures, timeline,
 * components, probe evidence). Plain forms: save, preview, publish.
 */
export function ReportPage(props: ReportPageProps) {
  const { page, viewer, csrf, incident, draft, values, revision, preview, problem, notice } = props;
  const base = `/console/incidents/${encodeURIComponent(incident.id)}`;
  const report = incident.report;
  const editable = may(viewer.scopes, "reports.put");
  return (
    <ConsoleLayout page={page} title={`Report: ${incident.name}`} viewer={viewer} csrf={csrf} notice={notice}>
      <p class="hint">
        <a href={base}>Back to the incident</a> · {INCIDENT_STATUS_LABELS[incident.status]} ·{" "}
        {report?.publishedAt
          ? `Published ${formatDateTime(report.publishedAt, page.timeZone)}; saved edits show at once.`
          : report
            ? "Saved, not published."
            : "Not saved yet: the text below is Lookout's draft from the record."}
      </p>
      <FormProblems message={problem?.message} fields={problem?.fields} />
      {preview ? (
        <section class="report-preview" aria-label="Preview">
          <p class="notice" role="status">
            Preview: readers will see this once it is published. Nothing was saved.
          </p>
          <PostIncidentReportSection
            report={preview}
            publishedAt={preview.publishedAt ?? preview.updatedAt}
            timeZone={page.timeZone}
          />
        </section>
      ) : null}
      <div class="report-columns">
        {editable ? (
          <ReportForm action={`${base}/report`} csrf={csrf} values={values} revision={revision} />
        ) : (
          <section aria-labelledby="report-read">
            <h2 id="report-read">The report</h2>
            <p class="hint">Your role reads the report; it does not edit it.</p>
            {REPORT_PARTS.map(([part, heading]) => (
              <>
                <h3>{heading}</h3>
                <div class="prose">{raw(renderMarkdown(values[part]))}</div>
              </>
            ))}
          </section>
        )}
        <TheRecord incident={incident} draft={draft} timeZone={page.timeZone} />
      </div>
      {may(viewer.scopes, "reports.publish") ? <Publish action={`${base}/report/publish`} {...props} /> : null}
    </ConsoleLayout>
  );
}

function ReportForm({
  action,
  csrf,
  values,
  revision,
}: {
  action: string;
  csrf: string;
  values: ReportFormValues;
  revision: number;
}) {
  // Every saved row, then one blank one for a new action (no script needed to add a row).
  const rows: FollowUpRow[] = [...values.followUps, { title: "", owner: "", url: "", done: false }];
  return (
    <section aria-labelledby="report-edit">
      <h2 id="report-edit">Edit the report</h2>
      <form method="post" action={action} class="stack report-form">
        <input type="hidden" name={CSRF_FIELD} value={csrf} />
        <input type="hidden" name="revision" value={String(revision)} />
        <p class="hint">Markdown: **bold**, lists, links. Raw HTML shows as text.</p>
        {REPORT_PARTS.map(([part, heading]) => (
          <>
            <label for={`report-${part}`}>{heading}</label>
            <textarea id={`report-${part}`} name={part} rows={part === "whatHappened" ? 14 : 6} maxlength={50000}>
              {values[part]}
            </textarea>
          </>
        ))}
        <fieldset class="follow-up-rows">
          <legend>Follow-up actions</legend>
          <p class="hint">Clear an action's title to remove it. Save to get another blank row.</p>
          {rows.map((row, index) => (
            <FollowUpFields row={row} index={index} isNew={index === values.followUps.length} />
          ))}
        </fieldset>
        <div class="actions">
          <button type="submit" name="intent" value="save">
            Save the report
          </button>
          <button type="submit" name="intent" value="preview" class="secondary">
            Preview
          </button>
        </div>
      </form>
    </section>
  );
}

function FollowUpFields({ row, index, isNew }: { row: FollowUpRow; index: number; isNew: boolean }) {
  const id = (field: keyof FollowUpRow) => `follow-up-${index}-${field}`;
  return (
    <fieldset class="follow-up">
      <legend>{isNew ? "New action" : `Action ${index + 1}`}</legend>
      <label for={id("title")}>Title</label>
      <input id={id("title")} name={rowField(index, "title")} value={row.title} maxlength={255} />
      <label for={id("owner")}>Owner</label>
      <input id={id("owner")} name={rowField(index, "owner")} value={row.owner} maxlength={100} />
      <label for={id("url")}>Tracker link</label>
      <input
        id={id("url")}
        name={rowField(index, "url")}
        value={row.url}
        type="url"
        inputmode="url"
        placeholder="https://"
      />
      <label class="check">
        <input type="checkbox" name={rowField(index, "done")} checked={row.done} /> Done
      </label>
    </fieldset>
  );
}

/** What the report is written from, as the API's draft measured it (README "The report" defines each figure). */
function TheRecord({ incident, draft, timeZone }: { incident: IncidentView; draft: ReportDraft; timeZone: string }) {
  const startedAt = Date.parse(incident.startedAt);
  const figure = (ms: number | null) => (ms === null ? "not reached" : formatDuration(ms / 1000));
  const updates = [...incident.updates].sort((a, b) => Date.parse(a.displayAt) - Date.parse(b.displayAt));
  return (
    <aside class="report-record" aria-labelledby="record-title">
      <h2 id="record-title">The record</h2>
      <h3>Key figures</h3>
      <p class="hint">From when impact began ({formatExact(startedAt, timeZone)}).</p>
      <dl class="figures">
        <dt>Time to detect</dt>
        <dd>{figure(draft.figures.timeToDetectMs)}</dd>
        <dt>Time to mitigate</dt>
        <dd>{figure(draft.figures.timeToMitigateMs)}</dd>
        <dt>Time to resolve</dt>
        <dd>{figure(draft.figures.timeToResolveMs)}</dd>
      </dl>
      <h3>Timeline</h3>
      {updates.length ? (
        <ol class="timeline">
          {updates.map((update) => (
            <li>
              <time datetime={update.displayAt}>{formatExact(Date.parse(update.displayAt), timeZone, startedAt)}</time>{" "}
              <strong>{INCIDENT_STATUS_LABELS[update.status]}</strong>: {update.body}
            </li>
          ))}
        </ol>
      ) : (
        <p>No updates were posted.</p>
      )}
      <h3>Components affected</h3>
      {draft.components.length ? (
        <ul>
          {draft.components.map((component) => (
            <li>
              {component.name}: {COMPONENT_STATUS_LABELS[component.worstStatus].toLowerCase()} at worst, not operational
              for {formatDuration(component.notOperationalMs / 1000)}
            </li>
          ))}
        </ul>
      ) : (
        <p>No components were marked as affected.</p>
      )}
      {/* The draft's own markdown: it escapes what monitors and people wrote (worker/core/reports/markdown-escape.ts). */}
      <div class="prose evidence">{raw(renderMarkdown(draft.probeEvidence))}</div>
    </aside>
  );
}

function Publish({ action, csrf, incident, publishNotify }: ReportPageProps & { action: string }) {
  const report = incident.report;
  return (
    <section aria-labelledby="report-publish">
      <h2 id="report-publish">Publish</h2>
      {report?.publishedAt ? (
        <p>The report is published on the incident's page and in the feeds.</p>
      ) : incident.status !== "resolved" ? (
        <p>Resolve the incident before publishing its report.</p>
      ) : !report ? (
        <p>Save the report first; then publish it.</p>
      ) : (
        <form method="post" action={action} class="stack">
          <input type="hidden" name={CSRF_FIELD} value={csrf} />
          <input type="hidden" name="revision" value={String(incident.revision)} />
          <p class="hint">
            The saved report goes on the incident's public page and in the feeds, and the incident moves to Postmortem.
          </p>
          <label class="check">
            <input type="checkbox" name="notify" checked={publishNotify ?? true} /> Tell subscribers (mail and webhooks)
          </label>
          <button type="submit">Publish the report</button>
        </form>
      )}
    </section>
  );
}
