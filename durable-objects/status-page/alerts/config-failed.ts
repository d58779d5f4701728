import { ownTroubleDetails } from "../../../worker/core/alerting/alert.ts";
import { openAlert, resolveAlert } from "./lifecycle.ts";

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
      details: ownTroubleDetails(`The page keeps its last applied config. Error: ${words.slice(0, 500)}`),
    },
    now,
  );
}

/**
 * A config was applied: a config_failed alert is over, and so are the alerts
 * of monitors it no longer has (nothing would ever resolve them: their reports
 * are dropped). Call in the apply's transaction.
 */
export function configApplied(sql: SqlStorage, now: number): void {
  resolveAlert(sql, CONFIG_KEY, now);
  // Runs on every heartbeat: it reads the open alerts (their partial index) and looks each monitor up by
  // its key, never the whole monitors table nor resolved alerts.
  const gone = sql
    .exec<{ key: string }>(
      `SELECT a.key FROM alerts a INDEXED BY alerts_open_by_key CROSS JOIN monitors m
       WHERE a.status != 'resolved' AND (a.key LIKE 'monitor:%' OR a.key LIKE 'silent:%')
         AND m.id = substr(a.key, instr(a.key, ':') + 1) AND m.removed_at IS NOT NULL`,
    )
    .toArray();
  for (const { key } of gone) resolveAlert(sql, key, now);
}
