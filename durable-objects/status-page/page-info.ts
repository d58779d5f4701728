import type { PageInfo } from "../../worker/core/read-model.ts";
import { readMeta } from "./schema.ts";

/** The page's name, URL and time zone as the config last reconciled them, or null before the first reconcile. */
export function pageInfo(sql: SqlStorage): PageInfo | null {
  return JSON.parse(readMeta(sql, "page") ?? "null") as PageInfo | null;
}
