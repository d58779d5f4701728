import type { IncidentNote } from "../../../worker/core/read-model.ts";
import { newId } from "../ids.ts";
import { iso } from "../time.ts";
import { type Handler, recordAudit } from "./context.ts";
import { loadIncident } from "./incidents.ts";

type NoteRow = { id: string; incident_id: string; body: string; author: string; created_at: number };

/** An incident's internal timeline, oldest first: read only here, by the communicator API, never by a public surface. */
export function loadNotes(sql: SqlStorage, incidentId: string): IncidentNote[] {
  return sql
    .exec<NoteRow>(`SELECT * FROM incident_notes WHERE incident_id = ? ORDER BY created_at, rowid`, incidentId)
    .toArray()
    .map((row) => ({ id: row.id, body: row.body, author: row.author, createdAt: iso(row.created_at) }));
}

export const listIncidentNotesHandler: Handler<"incidents.notes.list"> = ({ sql, params }) => {
  const incident = loadIncident(sql, params.id ?? "");
  return { status: 200, body: { data: loadNotes(sql, incident.id) } };
};

/**
 * A note is signed with the caller as the audit log names them (the person
 * who signed in to the console, with their token's name), so the timeline
 * and the log agree on who wrote what. Notes change nothing readers see:
 * neither the incident's revision nor the page's version moves.
 */
export const addIncidentNoteHandler: Handler<"incidents.notes.create"> = (context) => {
  const { sql, params, body, now, actor } = context;
  const incident = loadIncident(sql, params.id ?? "");
  const note: IncidentNote = { id: newId(), body: body.message, author: actor.name, createdAt: iso(now) };
  sql.exec(
    `INSERT INTO incident_notes (id, incident_id, body, author, created_at) VALUES (?, ?, ?, ?, ?)`,
    note.id,
    incident.id,
    note.body,
    note.author,
    now,
  );
  recordAudit(context, "incident.note", incident.id, null, note);
  return { status: 201, body: note };
};
