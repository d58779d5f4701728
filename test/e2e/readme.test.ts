/**
 * The README as a newcomer follows it: a fresh Lookout started as `npm start`
 * starts it, then every `sh` block pasted in order into one shell. Each curl's
 * answer is checked: no 5xx ever, no 4xx but where the block says it shows
 * one. The banner the README shows is the one printed. `npm run check-readme`
 * runs just this file.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectRoot, type RunningLookout, startLookout } from "../helpers/node/lookout-process.ts";
import { parseFencedBlocks, pastDates, shellExamples } from "../helpers/node/readme-examples.ts";

const readme = readFileSync(join(projectRoot, "README.md"), "utf8");
const { blocks, problems } = parseFencedBlocks(readme);

describe("README", () => {
  it("closes every fenced block", () => {
    expect(problems).toEqual([]);
  });

  it("has runnable examples with no dates already past", () => {
    expect(shellExamples(blocks).length).toBeGreaterThan(10);
    expect(pastDates(blocks, new Date().toISOString().slice(0, 10))).toEqual([]);
  });

  it("says nothing is coming that is already built", () => {
    expect(readme).not.toMatch(/\bcomes? next\b|\bcoming soon\b|\bnot yet built\b/i);
  });
});

describe("README against a fresh npm start", () => {
  let lookout: RunningLookout;
  let port: string;
  let mailPort: string;

  beforeAll(async () => {
    lookout = await startLookout();
    port = new URL(lookout.baseUrl).port;
    mailPort = new URL(lookout.mailUrl).port;
  });

  afterAll(async () => {
    await lookout?.stop();
  });

  /** The README's ports and secrets in place of this run's. */
  const asInReadme = (text: string) =>
    text
      .replaceAll(`127.0.0.1:${port}`, "127.0.0.1:8787")
      .replaceAll(`127.0.0.1:${mailPort}`, "127.0.0.1:8025")
      .replace(/lk_admin_[\w-]+/g, "lk_admin_…")
      .replace(/SMTP on port \d+/, "SMTP on port 2525");

  it("shows the banner npm start prints", () => {
    const shown = blocks.find((block) => block.body.includes("Lookout is running."));
    expect(shown, "the README shows the banner").toBeDefined();
    const output = asInReadme(lookout.output());
    const printed = output.slice(output.indexOf("  Lookout is running."));
    const shownLines = (shown?.body ?? "").split("\n").map((line) => line.trimEnd());
    const printedLines = printed.split("\n").map((line) => line.trimEnd());
    const start = printedLines.indexOf(shownLines[0] ?? "");
    expect(printedLines.slice(start, start + shownLines.length)).toEqual(shownLines);
  });

  it("runs every sh example in order, as written", async () => {
    const examples = shellExamples(blocks);
    const script = [
      "set -euo pipefail",
      // Each answer's status goes to stderr, tagged, after whatever the example prints.
      `curl() { command curl -w '%{stderr}@@status %{http_code}\\n' "$@"; }`,
      ...examples.flatMap((block, index) => [`echo "@@block ${index}" >&2`, asRun(block.body)]),
      `echo "@@done" >&2`,
    ].join("\n");
    const run = await runBash(script);
    const where = (index: number) => `README line ${examples[index]?.line}`;
    const statuses = new Map<number, number[]>();
    let current = -1;
    for (const line of run.stderr.split("\n")) {
      const block = /^@@block (\d+)$/.exec(line);
      if (block) current = Number(block[1]);
      const status = /@@status (\d{3})$/.exec(line);
      if (status) statuses.set(current, [...(statuses.get(current) ?? []), Number(status[1])]);
    }
    expect(run.stderr, `the examples stopped at ${where(current)} (exit ${run.code})\n${run.stderr}`).toContain(
      "@@done",
    );
    examples.forEach((block, index) => {
      const seen = statuses.get(index) ?? [];
      const unexpected = seen.filter((s) => s === 0 || s >= 500 || (s >= 400 && !block.expect4xx));
      expect(unexpected, `${where(index)} answered ${seen.join(", ")}\n${block.body}`).toEqual([]);
      if (block.expect4xx)
        expect(
          seen.some((s) => s >= 400 && s < 500),
          where(index),
        ).toBe(true);
    });
  });

  /** The block with this run's ports, run from the project's folder like a newcomer's shell. */
  function asRun(body: string): string {
    return body.replaceAll("127.0.0.1:8787", `127.0.0.1:${port}`).replaceAll("127.0.0.1:8025", `127.0.0.1:${mailPort}`);
  }
});

function runBash(script: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("bash", ["-c", script], { cwd: projectRoot, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once("error", reject);
    child.once("exit", (code) => resolve({ code, stdout, stderr }));
  });
}
