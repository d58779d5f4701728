import type { AffectedComponent } from "../read-model.ts";
import type { ComponentStatus } from "../statuses.ts";
import { affectedComponentName } from "../statuspage/affected-name.ts";

/** A component an incident concerns, as it stands when an update is written. */
export interface LinkedComponent {
  id: string;
  name: string;
  status: ComponentStatus;
  groupName: string | null;
}

/**
 * What an update records in `affected_components`, as Statuspage does: every
 * component the incident concerns (`linked`, in the page's order), with the
 * change this update made to it, or its status then (old = new) when it made
 * none; grouped ones named "Group - Component". `madeBefore` (changes the
 * monitors made just before) only supplies the old status of components the
 * incident concerns; it adds none. Posting an update and previewing one
 * (durable-objects/status-page/writes.ts) both list them here.
 */
export function listAffectedComponents(
  linked: readonly LinkedComponent[],
  changes: readonly AffectedComponent[],
  madeBefore: readonly AffectedComponent[] = [],
): AffectedComponent[] {
  const changed = new Map(changes.map((change) => [change.code, change]));
  const earlier = new Map(madeBefore.map((change) => [change.code, change]));
  const listed = linked.map((row): AffectedComponent => {
    const change = changed.get(row.id);
    changed.delete(row.id);
    return {
      code: row.id,
      name: affectedComponentName(row.name, row.groupName),
      oldStatus: change?.oldStatus ?? earlier.get(row.id)?.oldStatus ?? row.status,
      newStatus: change?.newStatus ?? row.status,
    };
  });
  // Every changed component is linked before its update is written; anything else is kept as it came.
  return [...listed, ...changed.values()];
}
