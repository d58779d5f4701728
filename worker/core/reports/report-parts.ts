import type { PostIncidentReport } from "../read-model.ts";

/** The four parts of a Heroku-style post-incident report, in the order readers get them. */
export const REPORT_PARTS = [
  ["summary", "Summary"],
  ["whoWasAffected", "Who was affected"],
  ["whatHappened", "What happened"],
  ["prevention", "What we are doing to make sure it does not happen again"],
] as const satisfies readonly (readonly [keyof PostIncidentReport, string])[];
