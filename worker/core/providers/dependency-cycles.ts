/**
 * A config's `dependsOn` must not loop: a component cannot be bounded by
 * itself. Returns the first cycle found as the path that closes it
 * (["api", "db", "api"]), or null. Depth-first, every component once.
 */
export function dependencyCycle(dependsOn: ReadonlyMap<string, readonly string[]>): string[] | null {
  const done = new Set<string>();
  const path: string[] = [];
  const onPath = new Set<string>();
  const visit = (id: string): string[] | null => {
    if (onPath.has(id)) return [...path.slice(path.indexOf(id)), id];
    if (done.has(id)) return null;
    onPath.add(id);
    path.push(id);
    for (const next of dependsOn.get(id) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    onPath.delete(id);
    done.add(id);
    return null;
  };
  for (const id of dependsOn.keys()) {
    const cycle = visit(id);
    if (cycle) return cycle;
  }
  return null;
}
