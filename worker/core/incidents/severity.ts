import { ApiProblem } from "../api/contract.ts";
import type { Severity } from "../config/console-schema.ts";
import type { Impact } from "../statuses.ts";

/** What a declaration or an edit says of how bad it is: a severity's id, Statuspage's impact, or both. */
export interface SeverityChoice {
  severity?: string | undefined;
  impact?: Impact | undefined;
}

/**
 * A severity sets the impact from its mapping, so every Statuspage client
 * and public surface keeps reading `impact` (README "Severities and
 * templates"). A severity the config does not declare is refused (422), and
 * so is an impact that contradicts the severity sent with it (400): neither
 * is quietly picked over the other.
 */
export function resolveSeverity(
  severities: readonly Severity[],
  choice: SeverityChoice,
): { severity: string | undefined; impact: Impact | undefined } {
  if (choice.severity === undefined) return { severity: undefined, impact: choice.impact };
  const declared = severities.find((s) => s.id === choice.severity);
  if (!declared) {
    throw new ApiProblem(422, "unknown_severity", `no such severity: ${choice.severity}`, [
      { path: "severity", message: `declared: ${severities.map((s) => s.id).join(", ")}` },
    ]);
  }
  if (choice.impact !== undefined && choice.impact !== declared.impact) {
    const says = `severity ${declared.id} means impact ${declared.impact}, not ${choice.impact}`;
    throw new ApiProblem(400, "contradicting_impact", `${says}: send one of severity and impact, or both agreeing`, [
      { path: "severity", message: says },
      { path: "impact", message: `must be ${declared.impact} with severity ${declared.id}, or left out` },
    ]);
  }
  return { severity: declared.id, impact: declared.impact };
}

/** A severity's human name, by its id; undefined for none, or one the config no longer declares. */
export function severityName(severities: readonly Severity[], id: string | null | undefined): string | undefined {
  return id ? severities.find((s) => s.id === id)?.name : undefined;
}
