import type { PageInfo } from "../../../core/read-model.ts";
import type { Viewer } from "../../console-env.ts";
import type { Problem } from "../../ops/ops-form.ts";
import { ConsoleLayout } from "../console-layout.tsx";
import { FormProblems } from "../form-problems.tsx";

/** A line as audit.list answers it (durable-objects/status-page/api/audit-log.ts). */
export interface AuditLine {
  seq: number;
  at: string;
  actor: { id: string; name: string };
  action: string;
  target: string | null;
  before: unknown;
  after: unknown;
}

export const AUDIT_FILTERS = ["actor", "action", "target", "since", "until"] as const;
export type AuditFilters = Partial<Record<(typeof AUDIT_FILTERS)[number], string>>;

export interface AuditPageProps {
  page: PageInfo;
  viewer: Viewer;
  csrf: string;
  lines: AuditLine[];
  filters: AuditFilters;
  /** The address of the next (older) page, the filters kept; null on the last. */
  older: string | null;
  problem?: Problem | undefined;
}

const LONG = 120;

function short(value: unknown): string {
  const text = value === undefined ? "—" : JSON.stringify(value);
  return text.length > LONG ? `${text.slice(0, LONG - 1)}…` : text;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Before and after, one line per field that changed (the log keeps only those), each value cut short. */
export function changeLines(before: unknown, after: unknown): string[] {
  if (!isRecord(before) && !isRecord(after)) return [`${short(before ?? undefined)} → ${short(after ?? undefined)}`];
  const was = isRecord(before) ? before : {};
  const is = isRecord(after) ? after : {};
  const keys = [...new Set([...Object.keys(was), ...Object.keys(is)])].slice(0, 12);
  return keys.map((key) =>
    key in was ? `${key}: ${short(was[key])} → ${short(is[key])}` : `${key}: ${short(is[key])}`,
  );
}

/** The audit log, newest first, filtered by who, what, which and when. */
export function AuditPage({ page, viewer, csrf, lines, filters, older, problem }: AuditPageProps) {
  const field = (name: (typeof AUDIT_FILTERS)[number], label: string, hint?: string) => (
    <div>
      <label for={`audit-${name}`}>{label}</label>
      <input
        id={`audit-${name}`}
        name={name}
        type={hint ? "text" : "datetime-local"}
        value={filters[name] ?? ""}
        maxlength={200}
        placeholder={hint}
      />
    </div>
  );
  return (
    <ConsoleLayout page={page} title="Audit log" viewer={viewer} csrf={csrf} path="/console/audit">
      <form method="get" action="/console/audit" class="ops-filter" aria-label="Filter the audit log">
        {field("actor", "Who", "name or token id")}
        {field("action", "Action", "flag or flag.set")}
        {field("target", "Target", "an id or name")}
        {field("since", "From (UTC)")}
        {field("until", "Until (UTC)")}
        <button type="submit">Filter</button>
      </form>
      <FormProblems message={problem?.message} fields={problem?.fields} />
      {lines.length === 0 && !problem ? <p>No entries match.</p> : null}
      <ol class="rows" reversed>
        {lines.map((line) => (
          <li>
            <div>
              <p>
                <strong>{line.action}</strong>
                {line.target ? (
                  <>
                    {" "}
                    on <code>{line.target}</code>
                  </>
                ) : null}{" "}
                by {line.actor.name}
              </p>
              <pre class="ops-change">{changeLines(line.before, line.after).join("\n")}</pre>
            </div>
            <time datetime={line.at}>{line.at}</time>
          </li>
        ))}
      </ol>
      {older ? (
        <p>
          <a href={older}>Older entries</a>
        </p>
      ) : null}
    </ConsoleLayout>
  );
}
