/**
 * How Statuspage names a component in an update's `affected_components`: a
 * grouped one as "Group - Component" (docs/reference/statuspage-v2.md: Instructure's
 * "Portfolium - Website"), an ungrouped one by its name.
 */
export function affectedComponentName(name: string, groupName: string | null): string {
  return groupName ? `${groupName} - ${name}` : name;
}
