import type { Child } from "hono/jsx";
import { severityName } from "../../core/incidents/severity.ts";
import type { IncidentView, PageSnapshot } from "../../core/read-model.ts";
import { COMPONENT_STATUS_LABELS, IMPACT_LABELS, INCIDENT_STATUS_LABELS } from "../../core/statuses.ts";
import { formatDateTime } from "../../views/format.ts";
import { StatusLabel } from "../../views/status-label.tsx";
import { CSRF_FIELD } from "../csrf.ts";
import { may } from "../sections.ts";
import { ConsoleLayout } from "./console-layout.tsx";
import { FormProblems } from "./form-problems.tsx";
import { InternalTimeline } from "./internal-timeline.tsx";
import { ROLE_FIELDS, type RoomPageProps } from "./room-state.ts";
import { UpdateComposer, UpdateForm, UpdatePreviewPanel } from "./update-composer.tsx";

/**
 * The incident room: who holds which role, the public timeline, the
 * components, the composer with its preview, the internal timeline, and
 * the incident's own details. Forms appear only to roles that may use
 * them; a viewer sees the room read-only.
 */
export function IncidentRoomPage(props: RoomPageProps) {
  const { snapshot, incident, viewer, csrf, notice, preview } = props;
  const tz = snapshot.page.timeZone;
  const at = (iso: string | null) => (iso ? <time datetime={iso}>{formatDateTime(iso, tz)}</time> : "—");
  const canPost = may(viewer.scopes, "incidents.updates.create") && incident.status !== "postmortem";
  const canEdit = may(viewer.scopes, "incidents.edit");
  const canNote = props.notes !== null && may(viewer.scopes, "incidents.notes.create");
  const canResolve = canPost && incident.status !== "resolved";
  const shown = { update: canPost, resolve: canResolve, note: canNote, roles: canEdit, details: canEdit };
  // A refusal for a form this person is not shown (a forced post) is still said, at the top.
  const orphan = props.problem && !shown[props.problem.form] ? props.problem : undefined;
  return (
    <ConsoleLayout page={snapshot.page} title={incident.name} viewer={viewer} csrf={csrf} notice={notice}>
      {orphan ? <FormProblems message={orphan.message} fields={orphan.fields} /> : null}
      <section aria-labelledby="facts-title" class="room-part">
        <h2 id="facts-title" class="visually-hidden">
          Facts and roles
        </h2>
        <dl class="facts room-facts">
          <dt>Status</dt>
          <dd>{INCIDENT_STATUS_LABELS[incident.status]}</dd>
          <dt>Severity</dt>
          {/* By its name; the id alone if the page no longer declares it. */}
          <dd>
            {incident.severity
              ? (severityName(props.severities, incident.severity) ?? incident.severity)
              : "None (impact only)"}
          </dd>
          <dt>Impact</dt>
          <dd>{IMPACT_LABELS[incident.impact]}</dd>
          <dt>Visibility</dt>
          <dd>{incident.visibility === "public" ? "Public" : "Internal (readers see nothing)"}</dd>
          <dt>Started</dt>
          <dd>{at(incident.startedAt)}</dd>
          <dt>Declared</dt>
          <dd>{at(incident.createdAt)}</dd>
          {incident.resolvedAt ? (
            <>
              <dt>Resolved</dt>
              <dd>{at(incident.resolvedAt)}</dd>
            </>
          ) : null}
          {ROLE_FIELDS.map((role) => (
            <>
              <dt>{role.label}</dt>
              <dd class="role">{incident[role.name] ?? "Unassigned"}</dd>
            </>
          ))}
        </dl>
        <p>
          {incident.visibility === "public" ? (
            <a href={`/incidents/${incident.id}`}>Public page of this incident</a>
          ) : null}
          {incident.visibility === "public" ? " · " : null}
          <a href={`/console/incidents/${incident.id}/report`}>Post-incident report</a>
        </p>
      </section>
      {/* Always here, so /js/console.js has a place to put a live preview. */}
      <div id="preview">{preview ? <UpdatePreviewPanel preview={preview} snapshot={snapshot} /> : null}</div>
      {canPost ? (
        <UpdateComposer
          snapshot={snapshot}
          incident={incident}
          csrf={csrf}
          values={props.composer}
          problem={props.problem}
        />
      ) : null}
      {canResolve ? <ResolveForm {...props} /> : null}
      <PublicTimeline incident={incident} snapshot={snapshot} />
      <ComponentsNow incident={incident} snapshot={snapshot} />
      <InternalTimeline {...props} />
      {canEdit ? <EditForms {...props} /> : null}
    </ConsoleLayout>
  );
}

function ResolveForm({ incident, csrf, resolve, problem }: RoomPageProps) {
  const values = resolve ?? { message: "This incident has been resolved.", notify: true };
  return (
    <section aria-labelledby="resolve-title" class="room-part">
      <h2 id="resolve-title">Resolve</h2>
      {problem?.form === "resolve" ? <FormProblems message={problem.message} fields={problem.fields} /> : null}
      <UpdateForm incident={incident} csrf={csrf} notify={values.notify} post="Resolve incident">
        <input type="hidden" name="status" value="resolved" />
        <input type="hidden" name="form" value="resolve" />
        <label for="resolve-message">Final message</label>
        <textarea id="resolve-message" name="message" required maxlength={10_000}>
          {values.message}
        </textarea>
        <p class="hint">Affected components go back to operational, or to what their monitors say.</p>
      </UpdateForm>
    </section>
  );
}

function PublicTimeline({ incident, snapshot }: { incident: IncidentView; snapshot: PageSnapshot }) {
  return (
    <section aria-labelledby="timeline-title" class="room-part">
      <h2 id="timeline-title">Public timeline</h2>
      <ol class="timeline room-timeline">
        {incident.updates.map((update) => {
          const changed = (update.affectedComponents ?? []).filter((c) => c.oldStatus !== c.newStatus);
          return (
            <li>
              <h3>{INCIDENT_STATUS_LABELS[update.status]}</h3>
              <p class="body">{update.body}</p>
              {changed.length > 0 ? (
                <ul class="changes">
                  {changed.map((c) => (
                    <li>
                      {c.name}: {COMPONENT_STATUS_LABELS[c.oldStatus]} → {COMPONENT_STATUS_LABELS[c.newStatus]}
                    </li>
                  ))}
                </ul>
              ) : null}
              <p class="meta">
                <time datetime={update.displayAt}>{formatDateTime(update.displayAt, snapshot.page.timeZone)}</time>
                {update.deliverNotifications ? "" : " · not notified"}
              </p>
            </li>
          );
        })}
      </ol>
    </section>
  );
}

function ComponentsNow({ incident, snapshot }: { incident: IncidentView; snapshot: PageSnapshot }) {
  const byId = new Map(snapshot.components.map((c) => [c.id, c]));
  return (
    <section aria-labelledby="components-title" class="room-part">
      <h2 id="components-title">Components now</h2>
      {incident.componentIds.length === 0 ? (
        <p>No components.</p>
      ) : (
        <ul class="rows">
          {incident.componentIds.map((id) => {
            const component = byId.get(id);
            return component ? (
              <li>
                {component.name} <StatusLabel status={component.status} />
              </li>
            ) : (
              <li>
                {id} <span class="meta">(hidden from readers)</span>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

/**
 * Roles and details, each carrying the revision it was read at: an edit
 * made on top of a colleague's is refused (412) rather than silently
 * undoing theirs, and the form comes back with what was typed.
 */
function EditForms(props: RoomPageProps) {
  const { incident, typed, severities } = props;
  const value = (name: string, current: string | null) => typed?.[name] ?? current ?? "";
  return (
    <>
      <EditForm {...props} form="roles" heading="Roles" save="Save roles">
        {ROLE_FIELDS.map((role) => (
          <>
            <label for={`role-${role.name}`}>{role.label}</label>
            <input
              id={`role-${role.name}`}
              name={role.name}
              value={value(role.name, incident[role.name])}
              maxlength={100}
              aria-describedby={`role-${role.name}-hint`}
            />
            <p class="hint" id={`role-${role.name}-hint`}>
              {role.hint} Leave empty for nobody.
            </p>
          </>
        ))}
      </EditForm>
      <EditForm {...props} form="details" heading="Details" save="Save details">
        <label for="detail-name">Name</label>
        <input id="detail-name" name="name" value={value("name", incident.name)} maxlength={255} required />
        <label for="detail-severity">Severity</label>
        <select id="detail-severity" name="severity" aria-describedby="detail-severity-hint">
          {incident.severity ? null : <option value="">None (impact only)</option>}
          {severities.map((severity) => (
            <option value={severity.id} selected={severity.id === value("severity", incident.severity ?? null)}>
              {severity.name} — {severity.description}
            </option>
          ))}
        </select>
        <p class="hint" id="detail-severity-hint">
          Sets the impact readers see from the severity's mapping.
        </p>
        {incident.visibility === "internal" ? (
          <label class="check">
            <input type="checkbox" name="visibility" value="public" checked={typed?.visibility === "public"} /> Make
            public (cannot be undone: readers and subscribers will have seen it)
          </label>
        ) : null}
      </EditForm>
    </>
  );
}

/** One edit of the incident: its part of the room, its problems, and the revision it was read at (etag). */
function EditForm({
  incident,
  csrf,
  etag,
  problem,
  form,
  heading,
  save,
  children,
}: RoomPageProps & { form: "roles" | "details"; heading: string; save: string; children: Child }) {
  return (
    <section aria-labelledby={`${form}-title`} class="room-part">
      <h2 id={`${form}-title`}>{heading}</h2>
      {problem?.form === form ? <FormProblems message={problem.message} fields={problem.fields} /> : null}
      <form method="post" action={`/console/incidents/${incident.id}/edit`} class="stack">
        <input type="hidden" name={CSRF_FIELD} value={csrf} />
        <input type="hidden" name="etag" value={etag} />
        <input type="hidden" name="form" value={form} />
        {children}
        <button type="submit">{save}</button>
      </form>
    </section>
  );
}
