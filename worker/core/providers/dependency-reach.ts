/**
 * Walks of the components' `dependsOn` graph (the config refuses loops, but a
 * walk never trusts that: each component is visited once).
 */

/** One `dependsOn` entry: `componentId` depends on `dependsOn`. */
export interface DependencyEdge {
  componentId: string;
  dependsOn: string;
  critical: boolean;
}

/** A component reached by a walk, and whether it is reached through critical dependencies only. */
export interface Reached {
  id: string;
  critical: boolean;
}

/**
 * Everything that depends on `sources`, directly or through others, after
 * the sources themselves (critical). A component is critical when some chain
 * of critical dependencies leads from it to a source: the source's outage
 * then bounds it (README "Following providers"). Breadth first, so the
 * closest come first.
 */
export function dependentsOf(sources: readonly string[], edges: readonly DependencyEdge[]): Reached[] {
  const up = new Map<string, DependencyEdge[]>();
  for (const edge of edges) up.set(edge.dependsOn, [...(up.get(edge.dependsOn) ?? []), edge]);
  return walk(sources, (id) => (up.get(id) ?? []).map((e) => ({ next: e.componentId, critical: e.critical })));
}

/** Everything `from` depends on, directly or through others (not `from` itself unless a loop leads back). */
export function dependenciesOf(from: readonly string[], edges: readonly DependencyEdge[]): Reached[] {
  const down = new Map<string, DependencyEdge[]>();
  for (const edge of edges) down.set(edge.componentId, [...(down.get(edge.componentId) ?? []), edge]);
  const reached = walk(from, (id) => (down.get(id) ?? []).map((e) => ({ next: e.dependsOn, critical: e.critical })));
  return reached.slice(from.length).filter((r) => !from.includes(r.id));
}

function walk(start: readonly string[], neighbours: (id: string) => { next: string; critical: boolean }[]): Reached[] {
  const found = new Map<string, boolean>();
  for (const id of start) found.set(id, true);
  // Critical paths first: a component first reached through a non-critical edge may be reached critically later.
  let frontier = [...found.keys()];
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const id of frontier) {
      const critical = found.get(id) ?? false;
      for (const edge of neighbours(id)) {
        const viaCritical = critical && edge.critical;
        const known = found.get(edge.next);
        if (known === undefined) {
          found.set(edge.next, viaCritical);
          next.push(edge.next);
        } else if (!known && viaCritical) {
          // Upgraded: what it leads to may be critical now too.
          found.set(edge.next, true);
          next.push(edge.next);
        }
      }
    }
    frontier = next;
  }
  return [...found].map(([id, critical]) => ({ id, critical }));
}
