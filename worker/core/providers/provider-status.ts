import { type ComponentStatus, isComponentStatus, worstComponentStatus } from "../statuses.ts";
import type { ProviderSummary } from "./provider-summary.ts";

/**
 * What a provider's page says about what you depend on. `unknown` when the
 * page could not be read or names a status Lookout does not know: a provider
 * whose page is down is not a provider that is down, so unknown never turns a
 * component red (decision 0039).
 */
export type ProviderStatus = ComponentStatus | "unknown";

/** Which of the provider's components you follow: all, or some by id or name. */
export interface ProviderSelection {
  components?: readonly string[];
}

/**
 * The status of the selected components, worst first (Statuspage's own
 * mapping: its component statuses are Lookout's). With no selection, the
 * worst of the provider's components; a group counts through its children.
 * A selection that matches nothing is unknown: the provider renamed or
 * removed what you follow, and saying "operational" would be a guess.
 */
export function providerStatus(summary: ProviderSummary, selection: ProviderSelection = {}): ProviderStatus {
  const wanted = selection.components;
  const leaves = summary.components.filter((c) => !c.group);
  const chosen = wanted?.length
    ? leaves.filter(
        (c) =>
          wanted.includes(c.id) ||
          wanted.includes(c.name) ||
          (c.group_id !== null &&
            summary.components.some((g) => g.id === c.group_id && (wanted.includes(g.id) || wanted.includes(g.name)))),
      )
    : leaves;
  if (chosen.length === 0) return "unknown";
  if (chosen.some((c) => !isComponentStatus(c.status))) {
    const known = chosen.map((c) => c.status).filter(isComponentStatus);
    const worst = worstComponentStatus(known);
    // A failure it does name still counts; the unknown ones cannot make it better than that.
    return worst === "operational" || worst === "under_maintenance" ? "unknown" : worst;
  }
  return worstComponentStatus(chosen.map((c) => c.status as ComponentStatus));
}

/** The provider's open incidents that touch the selection (all of them with no selection). */
export function providerIncidents(summary: ProviderSummary, selection: ProviderSelection = {}) {
  const open = summary.incidents.filter((i) => i.status !== "resolved" && i.status !== "postmortem");
  const wanted = selection.components;
  if (!wanted?.length) return open;
  const ids = new Set(
    summary.components.filter((c) => wanted.includes(c.id) || wanted.includes(c.name)).map((c) => c.id),
  );
  for (const c of summary.components) if (c.group_id !== null && ids.has(c.group_id)) ids.add(c.id);
  // Narrowed to some components: an incident naming none of them (or none at all) is not about them.
  return open.filter((i) => i.components.some((c) => ids.has(c.id)));
}
