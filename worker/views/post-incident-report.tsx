import { raw } from "hono/html";
import type { FollowUpAction, PostIncidentReport } from "../core/read-model.ts";
import { renderMarkdown } from "../core/reports/markdown.ts";
import { REPORT_PARTS } from "../core/reports/report-parts.ts";
import { formatDateTime } from "./format.ts";

/** A published post-incident report: the four parts, then the work that follows from it. */
export function PostIncidentReportSection({
  report,
  publishedAt,
  timeZone,
}: {
  report: PostIncidentReport;
  publishedAt: string;
  timeZone: string;
}) {
  return (
    <section class="report" aria-labelledby="report-title">
      <h2 id="report-title">Post-incident report</h2>
      <p class="meta">
        Published <time datetime={publishedAt}>{formatDateTime(publishedAt, timeZone)}</time>
      </p>
      {REPORT_PARTS.map(([part, heading]) => (
        <>
          <h3>{heading}</h3>
          {/* Safe as it is: the renderer shows raw HTML as text and only lets web and mail links through. */}
          <div class="prose">{raw(renderMarkdown(report[part]))}</div>
        </>
      ))}
      {report.followUps.length ? (
        <>
          <h3>Follow-up actions</h3>
          <ul class="follow-ups">
            {report.followUps.map((action) => (
              <FollowUp action={action} />
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}

function FollowUp({ action }: { action: FollowUpAction }) {
  const href = trackerHref(action.url);
  return (
    <li>
      <span class={action.done ? "state done" : "state open"}>{action.done ? "Done" : "Open"}</span>{" "}
      {href ? (
        <a href={href} rel="nofollow noopener">
          {action.title}
        </a>
      ) : (
        action.title
      )}
      {action.owner ? <span class="meta"> · Owner: {action.owner}</span> : null}
    </li>
  );
}

/** The tracker link, only when it is a web address: a typed javascript: URL must not become a link. */
function trackerHref(url: string | null): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : null;
  } catch {
    return null;
  }
}
