import { runInDurableObject } from "cloudflare:test";
import type { ProviderObservation } from "../../../worker/core/providers/provider-observation.ts";
import { pageObject } from "./worker.ts";

/** What the page keeps of a statuspage monitor's provider (its instance's `provider`), or null. */
export async function observationOf(monitorId: string): Promise<ProviderObservation | null> {
  return runInDurableObject(pageObject(), (_instance, state) => {
    const row = state.storage.sql
      .exec<{ provider: string | null }>(`SELECT provider FROM monitor_instances WHERE monitor_id = ?`, monitorId)
      .one();
    return row.provider ? (JSON.parse(row.provider) as ProviderObservation) : null;
  });
}
