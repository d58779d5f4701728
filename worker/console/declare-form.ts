import type { IncidentTemplate, Severity } from "../core/config/console-schema.ts";
import type { MonitorStanding } from "../core/monitors/monitor-standing.ts";
import { COMPONENT_STATUSES, type ComponentStatus } from "../core/statuses.ts";

/** What the declare form holds: prefilled from a template or a failing monitor, or what the person typed. */
export interface DeclareFields {
  name: string;
  severity: string;
  /** Affected components and the status each gets now; the rest are left alone. */
  components: Record<string, ComponentStatus>;
  message: string;
  visibility: "public" | "internal";
  lead: string;
  communicator: string;
  scribe: string;
  investigator: string;
  notify: boolean;
  /** Where the form was started from, carried along so a re-rendered form says so still. */
  template: string;
  monitor: string;
}

export const COMPONENT_FIELD = "component.";

export function blankDeclaration(): DeclareFields {
  return {
    name: "",
    severity: "",
    components: {},
    message: "",
    visibility: "public",
    lead: "",
    communicator: "",
    scribe: "",
    investigator: "",
    notify: true,
    template: "",
    monitor: "",
  };
}

export function fromTemplate(template: IncidentTemplate): DeclareFields {
  return {
    ...blankDeclaration(),
    name: template.title,
    severity: template.severity,
    components: { ...template.components },
    message: template.message,
    visibility: template.visibility,
    template: template.id,
  };
}

/**
 * A failing monitor's declaration, as bad as the monitor says and no worse:
 * a slow monitor's components get degraded performance ("is slow"), a down
 * one's what its downStatus sets them to ("is down", or "is partly down").
 * The severity is the one mapped to the impact Lookout's own automatic
 * incident gives (auto-incident.ts: major for a major outage, else minor),
 * else the first declared. A monitor of hidden components only declares
 * internally: a public incident would name what readers are not shown
 * (decision 0047).
 */
export function fromMonitor(
  monitor: { id: string; name: string; components: string[]; downStatus: "partial_outage" | "major_outage" } & Pick<
    MonitorStanding,
    "state" | "lastError"
  >,
  components: readonly { id: string; name: string; hidden: boolean }[],
  severities: readonly Severity[],
): DeclareFields {
  const affected = components.filter((c) => monitor.components.includes(c.id));
  const shown = affected.filter((c) => !c.hidden);
  const internal = affected.length > 0 && shown.length === 0;
  const named = (shown[0] ?? affected[0])?.name ?? monitor.name;
  const status: ComponentStatus = monitor.state === "degraded" ? "degraded_performance" : monitor.downStatus;
  const words = { degraded_performance: "is slow", partial_outage: "is partly down", major_outage: "is down" }[status];
  const impact = status === "major_outage" ? "major" : "minor";
  const severity = severities.find((s) => s.impact === impact) ?? severities[0];
  const check = monitor.lastError ? `: ${monitor.lastError}` : "";
  return {
    ...blankDeclaration(),
    name: `${named} ${words}`,
    severity: severity?.id ?? "",
    components: internal ? {} : Object.fromEntries(affected.map((c) => [c.id, status])),
    message: `The check "${monitor.name}" is failing${check}. We are investigating.`,
    visibility: internal ? "internal" : "public",
    monitor: monitor.id,
  };
}

function isComponentStatus(value: string): value is ComponentStatus {
  return (COMPONENT_STATUSES as readonly string[]).includes(value);
}

/** The fields as the browser sent them (unknown statuses are kept out; the API names anything else wrong). */
export function readDeclaration(form: URLSearchParams): DeclareFields {
  const components: Record<string, ComponentStatus> = {};
  for (const [field, value] of form) {
    if (field.startsWith(COMPONENT_FIELD) && isComponentStatus(value)) {
      components[field.slice(COMPONENT_FIELD.length)] = value;
    }
  }
  return {
    name: form.get("name") ?? "",
    severity: form.get("severity") ?? "",
    components,
    message: form.get("message") ?? "",
    visibility: form.get("visibility") === "internal" ? "internal" : "public",
    lead: form.get("lead") ?? "",
    communicator: form.get("communicator") ?? "",
    scribe: form.get("scribe") ?? "",
    investigator: form.get("investigator") ?? "",
    notify: form.get("notify") === "on",
    template: form.get("template") ?? "",
    monitor: form.get("monitor") ?? "",
  };
}

/** The incidents.create body: empty optional fields left out, so the API's defaults and checks apply. */
export function declarationBody(fields: DeclareFields) {
  const blankToUndefined = (value: string) => (value.trim() === "" ? undefined : value);
  return {
    name: fields.name,
    message: fields.message,
    severity: blankToUndefined(fields.severity),
    components: Object.keys(fields.components).length > 0 ? fields.components : undefined,
    visibility: fields.visibility,
    lead: blankToUndefined(fields.lead),
    communicator: blankToUndefined(fields.communicator),
    scribe: blankToUndefined(fields.scribe),
    investigator: blankToUndefined(fields.investigator),
    notify: fields.notify,
  };
}
