import type { z } from "zod";
import type { FieldProblem } from "../core/api/contract.ts";

/** Zod's issues as fields a person can find in what they sent: `components.api`, `followUps.2.url`. */
export function fieldProblems(error: z.ZodError): FieldProblem[] {
  return error.issues.flatMap((issue) => {
    const at = issue.path.map(String);
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({ path: [...at, key].join("."), message: "not a field this operation accepts" }));
    }
    // Zod says "expected string, received undefined"; a person reads "required".
    const missing = issue.code === "invalid_type" && / received undefined$/.test(issue.message);
    return [{ path: at.join(".") || "(body)", message: missing ? `required (${issue.expected})` : issue.message }];
  });
}
