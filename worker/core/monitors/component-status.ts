import type { ComponentStatus } from "../statuses.ts";
import { worstComponentStatus } from "../statuses.ts";
import type { MonitorState } from "./state-machine.ts";

export interface MonitorVerdict {
  state: MonitorState;
  /** What "down" means for the components this monitor drives. */
  downStatus: "partial_outage" | "major_outage";
  /** What a provider states (a statuspage monitor): taken as it is whenever the monitor knows a state. */
  stated?: ComponentStatus | null;
}

/**
 * A component's status from its monitors: the worst of them. Null when no
 * monitor knows yet, so a starting monitor never overwrites a status.
 */
export function componentStatusFromMonitors(verdicts: readonly MonitorVerdict[]): ComponentStatus | null {
  const known = verdicts.filter((v) => v.state !== "unknown");
  if (known.length === 0) return null;
  return worstComponentStatus(
    known.map((v) =>
      v.stated
        ? v.stated
        : v.state === "down"
          ? v.downStatus
          : v.state === "degraded"
            ? "degraded_performance"
            : "operational",
    ),
  );
}
