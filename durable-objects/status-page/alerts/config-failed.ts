import { openAlert } from "./lifecycle.ts";

export const CONFIG_KEY = "config";

/**
 * The deployed config could not be applied: the page keeps the last one it
 * applied (the failed transaction rolled back) and the team hears it. Written
 * in a transaction of its own; the next successful apply resolves it
 * (status-page.ts reconcile).
 */
export function configFailed(sql: SqlStorage, error: unknown, now: number): void {
  const words = error instanceof Error ? error.message : String(error);
  openAlert(
    sql,
    {
      key: CONFIG_KEY,
      kind: "config_failed",
      severity: "error",
      title: "The deployed config could not be applied",
      details: {
        summary: `The page keeps its last applied config. Error: ${words.slice(0, 500)}`,
        monitorId: null,
        components: [],
        regions: [],
        firstFailingCheckAt: null,
        incidentId: null,
        incidentPublic: false,
      },
    },
    now,
  );
}
