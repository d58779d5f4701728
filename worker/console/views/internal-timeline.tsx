import { formatDateTime } from "../../views/format.ts";
import { CSRF_FIELD } from "../csrf.ts";
import { may } from "../sections.ts";
import { FormProblems } from "./form-problems.tsx";
import { OnceField } from "./once-field.tsx";
import type { RoomPageProps } from "./room-state.ts";

/** The scribe's running notes, oldest first, with a form to add one: for the team only, never public. */
export function InternalTimeline({ incident, snapshot, notes, viewer, csrf, problem, note }: RoomPageProps) {
  if (notes === null) return null;
  return (
    <section aria-labelledby="notes-title" class="room-part internal">
      <h2 id="notes-title">Internal timeline</h2>
      <p class="hint">Only the team sees these notes: never the public page, feeds, JSON, mails or webhooks.</p>
      {notes.length === 0 ? (
        <p>No notes yet.</p>
      ) : (
        <ol class="notes">
          {notes.map((entry) => (
            <li>
              <p class="body">{entry.body}</p>
              <p class="meta">
                {entry.author} ·{" "}
                <time datetime={entry.createdAt}>{formatDateTime(entry.createdAt, snapshot.page.timeZone)}</time>
              </p>
            </li>
          ))}
        </ol>
      )}
      {may(viewer.scopes, "incidents.notes.create") ? (
        <>
          {problem?.form === "note" ? <FormProblems message={problem.message} fields={problem.fields} /> : null}
          <form method="post" action={`/console/incidents/${incident.id}/notes`} class="stack">
            <input type="hidden" name={CSRF_FIELD} value={csrf} />
            <OnceField />
            <label for="note-message">Note</label>
            <textarea id="note-message" name="message" required maxlength={10_000}>
              {note ?? ""}
            </textarea>
            <button type="submit">Add note</button>
          </form>
        </>
      ) : null}
    </section>
  );
}
