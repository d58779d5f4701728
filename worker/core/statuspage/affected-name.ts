/**
 * How Statuspage names a component in an update's `affected_components`: a
 * grouped one as "Group - Component" (shared/reference/statuspage-samples/
 * instructure-summary.json: "Portfolium - Website"), an ungrouped one by its name.
 */
export function affectedComponentName(name: string, groupName: string | null): string {
  return groupName ? `${groupName} - ${name}` : name;
}
