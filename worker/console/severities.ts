import type { Context } from "hono";
import type { Severity } from "../core/config/console-schema.ts";
import { callOperation } from "./console-api.ts";
import type { ConsoleEnv } from "./console-env.ts";

/**
 * The severities the StatusPage object applies, as the API checks `severity`
 * against them: the one source the dashboard, the incidents list, the
 * declare form and the room name severities from (decision 0047). None when
 * they cannot be read: pages then show the impact, as for an incident without one.
 */
export async function severitiesFor(c: Context<ConsoleEnv>): Promise<readonly Severity[]> {
  const answer = await callOperation<{ data: Severity[] }>(c, "severities.list");
  return answer.ok ? answer.body.data : [];
}
