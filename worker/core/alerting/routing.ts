import type { AlertKind, AlertSeverity } from "./alert.ts";
import type { AlertRoute } from "./policies.ts";

/** What a route looks at in an alert. */
export interface Routable {
  kind: AlertKind;
  severity: AlertSeverity;
  /** The monitor it is about, or null (the canary's connectivity, a mail sender, the config…). */
  monitorId: string | null;
  /** The components the alert names. */
  componentIds: readonly string[];
}

/**
 * The escalation policy for an alert: the first route, in config order, whose
 * every filter matches (an unset filter matches anything; a component filter
 * matches when any of the alert's components is listed). Null when none
 * matches: the alert is still recorded and listed, and sent nowhere.
 */
export function routeAlert(routes: readonly AlertRoute[], alert: Routable): string | null {
  return routes.find((route) => matches(route, alert))?.policy ?? null;
}

function matches(route: AlertRoute, alert: Routable): boolean {
  if (route.kinds && !route.kinds.includes(alert.kind)) return false;
  if (route.severities && !route.severities.includes(alert.severity)) return false;
  if (route.monitors && (alert.monitorId === null || !route.monitors.includes(alert.monitorId))) return false;
  if (route.components && !alert.componentIds.some((id) => route.components?.includes(id))) return false;
  return true;
}
