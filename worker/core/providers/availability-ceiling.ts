/**
 * "Your availability is, at best, the availability of all your critical
 * providers combined": a component that needs every one of its critical
 * dependencies up is expected up the product of their availabilities over
 * the same window, failures taken as independent (failures at the same
 * moments leave it up more, never above the weakest one; failures that
 * never overlap leave it up less). Non-critical dependencies do not bound
 * it. Ratios in [0, 1]; null when a critical dependency's availability is
 * unknown (no data in the window), since a ceiling from part of the chain
 * would be a guess.
 */
export function availabilityCeiling(
  dependencies: readonly { critical: boolean; availability: number | null }[],
): number | null {
  let ceiling = 1;
  for (const dependency of dependencies) {
    if (!dependency.critical) continue;
    if (dependency.availability === null || !Number.isFinite(dependency.availability)) return null;
    ceiling *= Math.min(1, Math.max(0, dependency.availability));
  }
  return ceiling;
}
