/**
 * Looks up a dotted path such as "checks.db.status" in parsed JSON. A segment
 * of digits indexes an array. Only own properties count, so a path like
 * "constructor" never finds something the body did not contain.
 */
export type JsonLookup = { found: true; value: unknown } | { found: false };

export function lookupJsonPath(root: unknown, path: string): JsonLookup {
  let current: unknown = root;
  for (const segment of path.split(".")) {
    if (Array.isArray(current) && /^\d+$/.test(segment)) {
      const index = Number(segment);
      if (index >= current.length) return { found: false };
      current = current[index];
    } else if (isRecord(current) && Object.hasOwn(current, segment)) {
      current = current[segment];
    } else {
      return { found: false };
    }
  }
  return { found: true, value: current };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
