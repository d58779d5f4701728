import type { FieldProblem } from "../../core/api/contract.ts";
import type { Severity } from "../../core/config/console-schema.ts";
import type { UpdatePreview } from "../../core/incidents/update-preview.ts";
import type { IncidentNote, IncidentView, PageSnapshot } from "../../core/read-model.ts";
import type { ComponentStatus, IncidentStatus } from "../../core/statuses.ts";
import type { Viewer } from "../console-env.ts";

/** What the composer holds: the incident's state on a fresh page, what the person typed after a preview or a refusal. */
export interface ComposerValues {
  status: IncidentStatus;
  message: string;
  /** Each listed component's status as selected. */
  components: Record<string, ComponentStatus>;
  notify: boolean;
}

/** Which of the room's forms a problem belongs to, so it is shown above that form with what was typed. */
export type RoomForm = "update" | "resolve" | "note" | "roles" | "details";

/** What the Resolve form holds: its default on a fresh page, what was typed after a preview or a refusal. */
export interface ResolveValues {
  message: string;
  notify: boolean;
}

export interface RoomProblem {
  form: RoomForm;
  message: string;
  fields?: FieldProblem[];
}

export interface RoomPageProps {
  snapshot: PageSnapshot;
  incident: IncidentView;
  /** The incident's ETag, carried by the edit forms (If-Match). */
  etag: string;
  /** Null when this person may not read them. */
  notes: IncidentNote[] | null;
  viewer: Viewer;
  csrf: string;
  notice?: string | undefined;
  composer: ComposerValues;
  resolve?: ResolveValues | undefined;
  /** The severities the page applies (severities.list), to name the incident's and to change it. */
  severities: readonly Severity[];
  preview?: UpdatePreview | undefined;
  problem?: RoomProblem | undefined;
  /** What was typed into the roles or details form, kept after a refusal. */
  typed?: Record<string, string> | undefined;
  note?: string | undefined;
}

export const ROLE_FIELDS = [
  { name: "lead", label: "Lead", hint: "Runs the response and makes the calls." },
  { name: "communicator", label: "Communicator", hint: "Writes the public updates." },
  { name: "scribe", label: "Scribe", hint: "Keeps the internal timeline." },
  { name: "investigator", label: "Investigator", hint: "Digs into the cause." },
] as const;

export type RoleName = (typeof ROLE_FIELDS)[number]["name"];
