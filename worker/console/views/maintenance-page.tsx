import type { FieldProblem } from "../../core/api/contract.ts";
import { checkMaintenanceTransition } from "../../core/incidents/lifecycle.ts";
import { instantToLocal } from "../../core/local-time.ts";
import type { MaintenanceView, PageInfo } from "../../core/read-model.ts";
import { INCIDENT_STATUS_LABELS, MAINTENANCE_STATUSES } from "../../core/statuses.ts";
import { formatDateTime } from "../../views/format.ts";
import type { Viewer } from "../console-env.ts";
import { CSRF_FIELD } from "../csrf.ts";
import { may } from "../sections.ts";
import { ConsoleLayout } from "./console-layout.tsx";
import { FormProblems } from "./form-problems.tsx";
import { OnceField } from "./once-field.tsx";
import { WindowFields } from "./window-fields.tsx";

export interface MaintenancePageProps {
  page: PageInfo;
  viewer: Viewer;
  csrf: string;
  maintenance: MaintenanceView;
  /** Component id → name. */
  componentNames: ReadonlyMap<string, string>;
  /** What was typed into the form that was refused, by field name. */
  typed?: Record<string, string> | undefined;
  problem?: { message: string; fields?: FieldProblem[] } | undefined;
  notice?: string | undefined;
}

/** One maintenance: its window and timeline, and the forms to move it, post an update or call it off. */
export function MaintenancePage(props: MaintenancePageProps) {
  const { page, viewer, csrf, maintenance: m, componentNames, problem, notice } = props;
  const typed = props.typed ?? {};
  const zone = page.timeZone;
  const base = `/console/maintenances/${encodeURIComponent(m.id)}`;
  const open = m.status !== "completed";
  const nextStatuses = MAINTENANCE_STATUSES.filter((s) => checkMaintenanceTransition(m.status, s).ok);
  // "Tell subscribers" is ticked on a fresh form; after a refusal it is as the person sent it.
  const ticked = (field: string) => typed[field] === undefined || typed[field] === "on";
  return (
    <ConsoleLayout page={page} title={m.name} viewer={viewer} csrf={csrf} notice={notice}>
      <p>
        <a href="/console/maintenances">Back to maintenances</a>
      </p>
      <FormProblems message={problem?.message} fields={problem?.fields} />
      <dl class="facts">
        <dt>Status</dt>
        <dd>{m.cancelledAt ? "Cancelled" : INCIDENT_STATUS_LABELS[m.status]}</dd>
        <dt>Window</dt>
        <dd>
          <time datetime={m.scheduledFor}>{formatDateTime(m.scheduledFor, zone)}</time> –{" "}
          <time datetime={m.scheduledUntil}>{formatDateTime(m.scheduledUntil, zone)}</time>
        </dd>
        <dt>Components</dt>
        <dd>{m.componentIds.map((id) => componentNames.get(id) ?? id).join(", ")}</dd>
        <dt>Seen by</dt>
        <dd>{m.visibility === "internal" ? "The team only (internal)" : "Everyone (public)"}</dd>
      </dl>
      <section aria-labelledby="timeline">
        <h2 id="timeline">Timeline</h2>
        <ol class="timeline" reversed>
          {m.updates.map((update) => (
            <li>
              <time datetime={update.displayAt}>{formatDateTime(update.displayAt, zone)}</time>{" "}
              <strong>{INCIDENT_STATUS_LABELS[update.status]}</strong>: {update.body}
            </li>
          ))}
        </ol>
      </section>
      {open && may(viewer.scopes, "maintenances.edit") ? (
        <section aria-labelledby="move">
          <h2 id="move">Move the window</h2>
          <form method="post" action={`${base}/move`} class="stack">
            <input type="hidden" name={CSRF_FIELD} value={csrf} />
            <input type="hidden" name="revision" value={String(m.revision)} />
            <WindowFields
              scheduledFor={typed.scheduledFor ?? instantToLocal(Date.parse(m.scheduledFor), zone)}
              scheduledUntil={typed.scheduledUntil ?? instantToLocal(Date.parse(m.scheduledUntil), zone)}
              timeZone={zone}
              startFixed={m.status !== "scheduled"}
            />
            <button type="submit">Move</button>
          </form>
        </section>
      ) : null}
      {open && may(viewer.scopes, "maintenances.updates.create") ? (
        <section aria-labelledby="post-update">
          <h2 id="post-update">Post an update</h2>
          <form method="post" action={`${base}/updates`} class="stack">
            <input type="hidden" name={CSRF_FIELD} value={csrf} />
            <OnceField />
            <label for="u-status">Status</label>
            <select id="u-status" name="status">
              {nextStatuses.map((s) => (
                <option value={s} selected={(typed.status ?? m.status) === s}>
                  {INCIDENT_STATUS_LABELS[s]}
                </option>
              ))}
            </select>
            <label for="u-message">Message</label>
            <textarea id="u-message" name="message" maxlength={10000} required>
              {typed.message ?? ""}
            </textarea>
            <label class="check">
              <input type="checkbox" name="notify" checked={ticked("notify")} /> Tell subscribers (mail and webhooks)
            </label>
            <button type="submit">Post the update</button>
          </form>
        </section>
      ) : null}
      {open && may(viewer.scopes, "maintenances.cancel") ? (
        <section aria-labelledby="cancel">
          <h2 id="cancel">{m.status === "scheduled" ? "Cancel the maintenance" : "End it early"}</h2>
          <form method="post" action={`${base}/cancel`} class="stack">
            <input type="hidden" name={CSRF_FIELD} value={csrf} />
            <label for="c-message">Message (optional)</label>
            <textarea id="c-message" name="message" maxlength={10000}>
              {typed.cancelMessage ?? ""}
            </textarea>
            <label class="check">
              <input type="checkbox" name="notify" checked={ticked("cancelNotify")} /> Tell subscribers (mail and
              webhooks)
            </label>
            <button type="submit" class="danger">
              {m.status === "scheduled" ? "Cancel the maintenance" : "End it now"}
            </button>
          </form>
        </section>
      ) : null}
    </ConsoleLayout>
  );
}
