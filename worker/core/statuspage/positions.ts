import type { ComponentView, GroupView } from "../read-model.ts";

/**
 * Statuspage's `position`: counted from 1 within each group, and one sequence
 * for the top level that groups and ungrouped components share (see
 * docs/reference/statuspage-v2.md, Coinbase's components). The top level
 * follows the page as Lookout draws it: ungrouped components first, then the
 * groups, each in config order. Stored positions are config indexes and only
 * give the order.
 */
export function statuspagePositions(
  groups: readonly Pick<GroupView, "id" | "position">[],
  components: readonly Pick<ComponentView, "id" | "groupId" | "position">[],
): Map<string, number> {
  const byPosition = <T extends { position: number }>(list: readonly T[]) =>
    [...list].sort((a, b) => a.position - b.position);
  const groupIds = new Set(groups.map((g) => g.id));
  const positions = new Map<string, number>();
  let top = 0;
  for (const component of byPosition(components)) {
    if (component.groupId === null || !groupIds.has(component.groupId)) positions.set(component.id, ++top);
  }
  for (const group of byPosition(groups)) {
    positions.set(group.id, ++top);
    let inGroup = 0;
    for (const component of byPosition(components)) {
      if (component.groupId === group.id) positions.set(component.id, ++inGroup);
    }
  }
  return positions;
}
