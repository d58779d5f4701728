/** Small numeric and printing helpers shared by the benchmark's parts. */

/** The q-quantile (0..1) by nearest rank, which never invents a value that was not measured. */
export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] as number;
}

export const median = (samples: readonly number[]): number => quantile(samples, 0.5);

export function ms(value: number): string {
  return `${value.toFixed(value < 10 ? 2 : 1)} ms`;
}

export function count(value: number): string {
  return Math.round(value).toLocaleString("en-US");
}

export type Verdict = "PASS" | "OVER" | "";

export interface Row {
  figure: string;
  value: string;
  budget?: string;
  verdict?: Verdict;
}

export function verdict(ok: boolean): Verdict {
  return ok ? "PASS" : "OVER";
}

/** A plain-text table: the figures are read in a terminal or pasted into a review. */
export function table(rows: readonly Row[]): string {
  const cells = rows.map((row) => [row.figure, row.value, row.budget ?? "", row.verdict ?? ""]);
  const header = ["figure", "value", "budget", ""];
  const widths = header.map((title, i) => Math.max(title.length, ...cells.map((cell) => (cell[i] ?? "").length)));
  const line = (cell: readonly string[]) =>
    cell
      .map((text, i) => (i === 1 ? text.padStart(widths[i] ?? 0) : text.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...cells.map(line)].join("\n");
}
