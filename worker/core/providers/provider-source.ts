import type { StatuspageMonitorConfig } from "../monitors/monitor-config.ts";
import { summaryUrl } from "./provider-summary.ts";

/**
 * What a statuspage monitor follows: the provider's summary URL and the
 * components chosen on it. The Monitor drops what it remembers of a page
 * when this changes (probe-statuspage.ts); the StatusPage settles what it
 * raised for the old source before following the new one
 * (docs/decisions/0043-what-a-provider-outage-does.md), so the new
 * provider's words never update nor resolve the old provider's incident.
 */
export function providerSource(monitor: Pick<StatuspageMonitorConfig, "url" | "providerComponents">): string {
  // The same components in another order, or named twice, are the same choice: no new source, no second incident.
  const chosen = [...new Set(monitor.providerComponents ?? [])].sort();
  return JSON.stringify([summaryUrl(monitor.url), chosen.length > 0 ? chosen : null]);
}
