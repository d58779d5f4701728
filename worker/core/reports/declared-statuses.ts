import type { IncidentView, MaintenanceView } from "../read-model.ts";
import { type ComponentStatus, componentSeverity } from "../statuses.ts";

/** A component an event touches and the worst status its updates declared for it, if any. */
export interface DeclaredComponent {
  id: string;
  name: string;
  /** Null when no update set a status for it. */
  worstDeclared: ComponentStatus | null;
}

/**
 * The components an event touches, in the event's order, then any that only
 * its updates mention. `names` (id → name) wins over the name an update
 * recorded, since components get renamed after the fact.
 */
export function declaredComponents(
  event: IncidentView | MaintenanceView,
  names: ReadonlyMap<string, string>,
): DeclaredComponent[] {
  const byId = new Map<string, DeclaredComponent>();
  const entry = (id: string, recordedName?: string): DeclaredComponent => {
    let component = byId.get(id);
    if (!component) {
      component = { id, name: names.get(id) ?? recordedName ?? id, worstDeclared: null };
      byId.set(id, component);
    }
    return component;
  };
  for (const id of event.componentIds) entry(id);
  for (const update of event.updates) {
    for (const affected of update.affectedComponents ?? []) {
      const component = entry(affected.code, affected.name);
      const worst = component.worstDeclared;
      if (worst === null || componentSeverity(affected.newStatus) > componentSeverity(worst)) {
        component.worstDeclared = affected.newStatus;
      }
    }
  }
  return [...byId.values()];
}
