import type { HttpMonitorConfig } from "../monitors/monitor-config.ts";

export type ExpectedStatus = HttpMonitorConfig["expectedStatus"][number];

/** Whether a status is one of the expected ones: a code (200), a class ("2xx") or a range ("200-299", inclusive). */
export function statusMatches(status: number, expected: readonly ExpectedStatus[]): boolean {
  return expected.some((entry) => matchesOne(status, entry));
}

function matchesOne(status: number, entry: ExpectedStatus): boolean {
  if (typeof entry === "number") return status === entry;
  const statusClass = /^([1-5])xx$/.exec(entry);
  if (statusClass) return Math.floor(status / 100) === Number(statusClass[1]);
  const range = /^(\d{3})-(\d{3})$/.exec(entry);
  if (range) return status >= Number(range[1]) && status <= Number(range[2]);
  return false;
}

/** The expectation as people read it in a summary: "2xx", "200, 301". */
export function describeExpected(expected: readonly ExpectedStatus[]): string {
  return expected.join(", ");
}
