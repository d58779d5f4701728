import { allows, type Scope } from "../core/access/scopes.ts";
import { OPERATIONS, type OperationId } from "../core/api/operations.ts";

/** A part of the console, shown in its navigation to whoever may call the operation that reads it. */
export interface Section {
  href: string;
  label: string;
  reads: OperationId;
}

/** In the order the navigation lists them; each part's routes live in worker/console/routes/. */
export const SECTIONS: readonly Section[] = [
  { href: "/console", label: "Dashboard", reads: "incidents.list" },
  { href: "/console/incidents", label: "Incidents", reads: "incidents.list" },
  { href: "/console/maintenances", label: "Maintenances", reads: "maintenances.list" },
  // Operator pages (decision 0050).
  { href: "/console/alerts", label: "Alerts", reads: "alerts.list" },
  { href: "/console/flags", label: "Flags", reads: "flags.list" },
  { href: "/console/webhooks", label: "Webhooks", reads: "webhooks.list" },
  { href: "/console/subscribers", label: "Subscribers", reads: "subscribers.list" },
  { href: "/console/tokens", label: "Tokens", reads: "tokens.list" },
  { href: "/console/audit", label: "Audit log", reads: "audit.list" },
];

/** The sections this person may open: the console shows only what their role may do (the API enforces it). */
export function sectionsFor(scopes: readonly Scope[]): Section[] {
  return SECTIONS.filter((section) => allows(scopes, OPERATIONS[section.reads]));
}

/** Whether this person may call an operation: forms and buttons for it are shown only then. */
export function may(scopes: readonly Scope[], operation: OperationId): boolean {
  return allows(scopes, OPERATIONS[operation]);
}
