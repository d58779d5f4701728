import { ApiProblem } from "../../../worker/core/api/contract.ts";
import { type EventView, loadEvents } from "../events.ts";

export interface ListPage {
  data: EventView[];
  /** Pass as `cursor` for the next page; null on the last one. */
  nextCursor: string | null;
}

/**
 * One page of incidents or maintenances, newest first (or, `asc`, oldest
 * first: upcoming windows soonest first), by keyset: each page costs the
 * same however deep into the history it is. `where` and `order` are fixed
 * SQL from this folder; values go through `params`.
 */
export function pageOf(
  sql: SqlStorage,
  filter: { where: string[]; params: unknown[]; order: "created_at" | "scheduled_for"; direction?: "asc" | "desc" },
  page: { limit: number; cursor?: string | undefined },
): ListPage {
  const where = [...filter.where];
  const params = [...filter.params];
  const ascending = filter.direction === "asc";
  const after = ascending ? ">" : "<";
  if (page.cursor) {
    const [at, id] = page.cursor.split(".");
    where.push(`(${filter.order} ${after} ? OR (${filter.order} = ? AND id ${after} ?))`);
    params.push(Number(at), Number(at), id);
  }
  const direction = ascending ? "ASC" : "DESC";
  const data = loadEvents(sql, {
    where: where.join(" AND "),
    params,
    order: `ORDER BY ${filter.order} ${direction}, id ${direction} LIMIT ${page.limit + 1}`,
    includeDraftReports: true,
    includeHiddenComponents: true,
  });
  const more = data.length > page.limit;
  const shown = data.slice(0, page.limit);
  const last = shown.at(-1);
  const lastAt = last
    ? Date.parse(last.kind === "maintenance" && filter.order === "scheduled_for" ? last.scheduledFor : last.createdAt)
    : 0;
  return { data: shown, nextCursor: more && last ? `${lastAt}.${last.id}` : null };
}

/** Components named in a body must exist; the field at fault is named. */
export function checkComponents(sql: SqlStorage, ids: readonly string[], field: string): void {
  const missing = ids.filter(
    (id) => sql.exec(`SELECT 1 FROM components WHERE id = ? AND removed_at IS NULL`, id).toArray().length === 0,
  );
  if (missing.length > 0) {
    throw new ApiProblem(
      422,
      "unknown_component",
      `no such component: ${missing.join(", ")}`,
      missing.map((id) => ({ path: `${field}.${id}`, message: "unknown component" })),
    );
  }
}
