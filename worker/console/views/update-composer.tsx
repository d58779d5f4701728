import type { Child } from "hono/jsx";
import type { UpdatePreview } from "../../core/incidents/update-preview.ts";
import type { IncidentView, PageSnapshot } from "../../core/read-model.ts";
import {
  COMPONENT_STATUS_LABELS,
  COMPONENT_STATUSES,
  INCIDENT_STATUS_LABELS,
  INCIDENT_STATUSES,
} from "../../core/statuses.ts";
import { TimelineEntry } from "../../views/event-page.tsx";
import { EventSummary } from "../../views/event-summary.tsx";
import { CSRF_FIELD } from "../csrf.ts";
import { FormProblems } from "./form-problems.tsx";
import { OnceField } from "./once-field.tsx";
import type { ComposerValues, RoomProblem } from "./room-state.ts";

/** Statuses a person may post: postmortem comes from publishing the report. */
const POSTABLE = INCIDENT_STATUSES.filter((status) => status !== "postmortem");

export interface ComposerProps {
  snapshot: PageSnapshot;
  incident: IncidentView;
  csrf: string;
  values: ComposerValues;
  problem?: RoomProblem | undefined;
}

/**
 * The update composer: status, message, each affected component's status
 * in place (and one more to add), notify. "Preview" posts the same form and
 * comes back with what readers, subscribers and webhooks would get; "Post
 * update" publishes. Without JavaScript both are plain submit buttons.
 */
export function UpdateComposer({ snapshot, incident, csrf, values, problem }: ComposerProps) {
  const listed = [...new Set([...incident.componentIds, ...Object.keys(values.components)])];
  const byId = new Map(snapshot.components.map((c) => [c.id, c]));
  const addable = snapshot.components.filter((c) => !listed.includes(c.id));
  const internal = incident.visibility === "internal";
  return (
    <section aria-labelledby="composer-title" class="room-part">
      <h2 id="composer-title">Post an update</h2>
      {problem?.form === "update" ? <FormProblems message={problem.message} fields={problem.fields} /> : null}
      <UpdateForm incident={incident} csrf={csrf} id="composer" notify={values.notify} post="Post update">
        <label for="update-status">Status</label>
        <select id="update-status" name="status">
          {POSTABLE.map((status) => (
            <option value={status} selected={status === values.status}>
              {INCIDENT_STATUS_LABELS[status]}
            </option>
          ))}
        </select>
        <label for="update-message">Message</label>
        <textarea id="update-message" name="message" required maxlength={10_000}>
          {values.message}
        </textarea>
        {internal ? (
          <p class="hint">Internal incidents cannot change public component statuses.</p>
        ) : (
          <fieldset class="room-components">
            <legend>Components</legend>
            {listed.map((id) => {
              const component = byId.get(id);
              if (!component) return null;
              const selected = values.components[id] ?? component.status;
              return (
                <p>
                  <label for={`component-${id}`}>{component.name}</label>{" "}
                  <select id={`component-${id}`} name={`component.${id}`}>
                    {COMPONENT_STATUSES.map((status) => (
                      <option value={status} selected={status === selected}>
                        {COMPONENT_STATUS_LABELS[status]}
                      </option>
                    ))}
                  </select>
                </p>
              );
            })}
            {addable.length > 0 ? (
              <p>
                <label for="add-component">Add a component</label>{" "}
                <select id="add-component" name="add_component">
                  <option value="">None</option>
                  {addable.map((component) => (
                    <option value={component.id}>{component.name}</option>
                  ))}
                </select>{" "}
                <label for="add-status">with status</label>{" "}
                <select id="add-status" name="add_status">
                  {COMPONENT_STATUSES.map((status) => (
                    <option value={status} selected={status === "major_outage"}>
                      {COMPONENT_STATUS_LABELS[status]}
                    </option>
                  ))}
                </select>
              </p>
            ) : null}
            <p class="hint">
              Resolving hands back every component you leave as it is: operational, or what its monitors say.
            </p>
          </fieldset>
        )}
      </UpdateForm>
    </section>
  );
}

/**
 * A form that posts an update to the incident: the composer and the Resolve
 * form. Both go to the same route with the same two buttons, "Preview"
 * answering with what would be published (/js/console.js shows it live in
 * #preview) and the other publishing; only the post button's words differ.
 */
export function UpdateForm({
  incident,
  csrf,
  id,
  notify,
  post,
  children,
}: {
  incident: IncidentView;
  csrf: string;
  id?: string;
  notify: boolean;
  /** The publishing button's words: "Post update", "Resolve incident". */
  post: string;
  children: Child;
}) {
  const action = `/console/incidents/${incident.id}/updates`;
  return (
    <form method="post" action={action} class="stack" id={id} data-preview={action} data-preview-target="preview">
      <input type="hidden" name={CSRF_FIELD} value={csrf} />
      <OnceField />
      {children}
      <label class="check">
        <input type="checkbox" name="notify" value="on" checked={notify} /> Notify subscribers and webhooks
      </label>
      <div class="actions">
        <button type="submit" name="action" value="preview" class="secondary">
          Preview
        </button>
        <button type="submit" name="action" value="post">
          {post}
        </button>
      </div>
    </form>
  );
}

/** Exactly what the update would publish, rendered by the public views and the outbox's own renderers. */
export function UpdatePreviewPanel({ preview, snapshot }: { preview: UpdatePreview; snapshot: PageSnapshot }) {
  const { notifies } = preview;
  return (
    <section aria-labelledby="preview-title" class="room-part preview">
      <h2 id="preview-title">Preview (nothing is posted yet)</h2>
      <p class={notifies.subscribers ? "reach notifies" : "reach quiet"}>
        <strong>{notifies.subscribers ? "Notifies." : "Does not notify."}</strong> {notifies.why}
      </p>
      {notifies.readers ? (
        <>
          <h3>On the public page</h3>
          <div class="public-render">
            <EventSummary event={preview.event} page={snapshot.page} />
            <ol class="timeline">
              <TimelineEntry update={preview.update} timeZone={snapshot.page.timeZone} />
            </ol>
          </div>
        </>
      ) : null}
      <h3>Subscriber mail{notifies.subscribers ? "" : " (not sent)"}</h3>
      <p>
        Subject: <strong class="mail-subject">{preview.mail.subject}</strong>
      </p>
      <pre class="mail-text" tabindex={0}>
        {preview.mail.text}
      </pre>
      <h3>Webhook payload{notifies.webhooks ? "" : " (not sent)"}</h3>
      <pre class="webhook-payload" tabindex={0}>
        {JSON.stringify(preview.webhook, null, 2)}
      </pre>
    </section>
  );
}
