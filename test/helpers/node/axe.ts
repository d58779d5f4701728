/**
 * An accessibility audit of a page open in Chromium, with axe-core (the
 * engine behind Lighthouse's and the browsers' own accessibility checks).
 *
 * axe is evaluated through the DevTools protocol (page.evaluate), which the
 * page's Content-Security-Policy does not govern: the audited page keeps its
 * real `script-src 'self'`, so what is audited is what people get. (Adding
 * axe as a <script> element would be an inline script the policy refuses,
 * unless the context bypassed the policy altogether.)
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { projectRoot } from "./lookout-process.ts";

/** WCAG 2.1 levels A and AA, and axe's best practices (landmarks, one main, heading order). */
export const AUDITED_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] as const;

/** The impacts that fail a test: axe's own "serious" and "critical". */
export const FAILING_IMPACTS: readonly string[] = ["serious", "critical"];
/**
 * Landmark rules fail a test whatever their impact (axe calls them moderate):
 * the console promises landmarks, and content outside them is skipped by
 * people who move through a page by its regions.
 */
const LANDMARK_RULE = /^(region|landmark-.+)$/;

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  helpUrl: string;
  /** Each offending element: its selector and axe's account of what is wrong with it. */
  nodes: { target: string; summary: string }[];
}

let source: string | null = null;
function axeSource(): string {
  source ??= readFileSync(join(projectRoot, "node_modules", "axe-core", "axe.min.js"), "utf8");
  return source;
}

/** Every violation axe finds on the page as it is now, whatever its impact. */
export async function auditPage(page: Page): Promise<AxeViolation[]> {
  const loaded = await page.evaluate(`(() => { ${axeSource()}; return typeof window.axe; })()`);
  if (loaded !== "object") throw new Error(`axe-core did not load into ${page.url()} (window.axe is ${loaded})`);
  return page.evaluate(
    async (tags) => {
      // biome-ignore lint/suspicious/noExplicitAny: axe is the script just evaluated, untyped in the page.
      const axe = (window as any).axe;
      const results = await axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
      return results.violations.map(
        (v: {
          id: string;
          impact: string | null;
          help: string;
          helpUrl: string;
          nodes: { target: unknown[]; failureSummary?: string }[];
        }) => ({
          id: v.id,
          impact: v.impact ?? null,
          help: v.help,
          helpUrl: v.helpUrl,
          nodes: v.nodes.map((n) => ({ target: n.target.map(String).join(" "), summary: n.failureSummary ?? "" })),
        }),
      );
    },
    AUDITED_TAGS as unknown as string[],
  );
}

/** The violations that fail a test: serious or critical, or about landmarks. */
export function failing(violations: AxeViolation[]): AxeViolation[] {
  return violations.filter(
    (v) => (v.impact !== null && FAILING_IMPACTS.includes(v.impact)) || LANDMARK_RULE.test(v.id),
  );
}

/** Violations as a person reads them in a failed test: rule, impact, what to do, where. */
export function describeViolations(violations: AxeViolation[]): string {
  return violations
    .map((v) =>
      [
        `[${v.impact ?? "?"}] ${v.id}: ${v.help} (${v.helpUrl})`,
        ...v.nodes.map((n) => `    at ${n.target}\n      ${n.summary.replace(/\n/g, "\n      ")}`),
      ].join("\n"),
    )
    .join("\n");
}
