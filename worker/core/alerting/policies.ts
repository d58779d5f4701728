import { z } from "zod";
import { id } from "../monitors/monitor-config.ts";
import { ALERT_KINDS, ALERT_SEVERITIES } from "./alert.ts";

/**
 * Escalation policies and the routes that pick them, as `lookout.config.ts`
 * declares them under `alerting`.
 */

/** One step: these channels, this long after the alert opened (unless acknowledged or resolved by then). */
const stepSchema = z.strictObject({
  afterMinutes: z.number().min(0).max(1440).default(0),
  channels: z.array(id).min(1, "name at least one channel"),
});

export const policySchema = z.strictObject({
  id,
  steps: z.array(stepSchema).min(1, "declare at least one step").max(10),
  /**
   * While unacknowledged, the channels alerted so far are reminded this often
   * (none when unset). Stops at a step that hands over to PagerDuty or Opsgenie.
   */
  repeatEveryMinutes: z.number().min(1).max(1440).optional(),
});

/** A route matches when every filter it sets matches (an unset filter matches anything). The first match wins. */
export const routeSchema = z.strictObject({
  policy: id,
  monitors: z.array(id).optional(),
  components: z.array(id).optional(),
  kinds: z.array(z.enum(ALERT_KINDS)).optional(),
  severities: z.array(z.enum(ALERT_SEVERITIES)).optional(),
});

export type EscalationPolicy = z.output<typeof policySchema>;
export type AlertRoute = z.output<typeof routeSchema>;
