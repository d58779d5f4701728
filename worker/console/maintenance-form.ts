import type { FieldProblem } from "../core/api/contract.ts";
import { localToInstant } from "../core/local-time.ts";

/** The new-maintenance form as typed, so a refused form comes back exactly as it was sent. */
export interface MaintenanceFormValues {
  name: string;
  message: string;
  /** `datetime-local` values, in the page's time zone. */
  scheduledFor: string;
  scheduledUntil: string;
  components: string[];
  visibility: string;
  notify: boolean;
}

export const BLANK_MAINTENANCE: MaintenanceFormValues = {
  name: "",
  message: "",
  scheduledFor: "",
  scheduledUntil: "",
  components: [],
  visibility: "public",
  notify: true,
};

/** The page has at most this many components worth ticking; more is not read. */
const MAX_COMPONENTS = 200;

export function readMaintenanceForm(form: URLSearchParams): MaintenanceFormValues {
  return {
    name: form.get("name") ?? "",
    message: form.get("message") ?? "",
    scheduledFor: form.get("scheduledFor") ?? "",
    scheduledUntil: form.get("scheduledUntil") ?? "",
    components: form.getAll("components").slice(0, MAX_COMPONENTS),
    visibility: form.get("visibility") ?? "public",
    notify: form.has("notify"),
  };
}

/**
 * A window's start and end typed as wall times in the page's time zone
 * (decision 0049), as the instants the API takes; or which field is not a
 * date and time. Only what was typed is read: a blank field stays absent.
 */
export function windowInstants(
  typed: { scheduledFor?: string; scheduledUntil?: string },
  timeZone: string,
): { ok: true; instants: { scheduledFor?: string; scheduledUntil?: string } } | { ok: false; fields: FieldProblem[] } {
  const instants: { scheduledFor?: string; scheduledUntil?: string } = {};
  const fields: FieldProblem[] = [];
  for (const field of ["scheduledFor", "scheduledUntil"] as const) {
    const text = typed[field]?.trim();
    if (text === undefined || text === "") continue;
    const ms = localToInstant(text, timeZone);
    if (ms === null) fields.push({ path: field, message: "must be a date and time (YYYY-MM-DDTHH:MM)" });
    else instants[field] = new Date(ms).toISOString();
  }
  return fields.length ? { ok: false, fields } : { ok: true, instants };
}

/** The body of maintenances.create, or the fields that are not dates. The API checks the rest. */
export function maintenanceBody(
  values: MaintenanceFormValues,
  timeZone: string,
): { ok: true; body: unknown } | { ok: false; fields: FieldProblem[] } {
  const window = windowInstants(values, timeZone);
  if (!window.ok) return window;
  const missing: FieldProblem[] = (["scheduledFor", "scheduledUntil"] as const)
    .filter((field) => window.instants[field] === undefined)
    .map((field) => ({ path: field, message: "must be a date and time (YYYY-MM-DDTHH:MM)" }));
  if (missing.length) return { ok: false, fields: missing };
  return {
    ok: true,
    body: {
      name: values.name,
      message: values.message,
      scheduledFor: window.instants.scheduledFor,
      scheduledUntil: window.instants.scheduledUntil,
      components: values.components,
      visibility: values.visibility,
      notify: values.notify,
    },
  };
}
