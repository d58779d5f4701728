/**
 * `npm run lighthouse`: Lighthouse (mobile, its defaults) on the pages readers
 * open most — `/`, an incident page and a component page — of a fresh local
 * Lookout started as `npm start` starts it, in Debian's Chromium. Prints the
 * four category scores per page and the audits that cost points; exits 1 when
 * any score is below 100. Offline: nothing is fetched from elsewhere.
 *
 * Each page is audited several times and the run with the median performance
 * score is reported, as Lighthouse's own docs advise: its performance score
 * comes from timings of the machine it runs on, and one run on a busy machine
 * says more about the machine than about the page.
 *
 * Not part of `npm test` (a minute or two, and scores come from timings); the
 * checks it would fail on are in test/e2e/status-page.test.ts.
 *
 *   LOOKOUT_URL=http://127.0.0.1:8787   audit a running Lookout instead (an incident must exist)
 *   CHROMIUM_PATH=/usr/bin/chromium
 *   LIGHTHOUSE_RUNS=3                   audits per page (the median is reported)
 *   LIGHTHOUSE_JSON=dir                 also write each page's reported run there as JSON
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import lighthouse, { type RunnerResult } from "lighthouse";
import { CHROMIUM_PATH } from "../test/helpers/node/browser.ts";
import { freePort, type RunningLookout, startLookout } from "../test/helpers/node/lookout-process.ts";

const CATEGORIES = ["performance", "accessibility", "best-practices", "seo"] as const;
const RUNS = Math.max(1, Number(process.env.LIGHTHOUSE_RUNS ?? 3) || 3);

async function main() {
  const lookout: RunningLookout | null = process.env.LOOKOUT_URL ? null : await startLookout();
  const baseUrl = process.env.LOOKOUT_URL ?? lookout?.baseUrl ?? "";
  const chrome = await launchChromium();
  let failed = false;
  try {
    const incident = lookout ? await declareIncident(baseUrl, lookout) : await anyIncident(baseUrl);
    for (const path of ["/", `/incidents/${incident}`, "/components/api"]) {
      const runs: RunnerResult[] = [];
      for (let run = 0; run < RUNS; run++) {
        const result = await lighthouse(`${baseUrl}${path}`, {
          port: chrome.port,
          output: "json",
          logLevel: "error",
          onlyCategories: [...CATEGORIES],
        });
        if (!result) throw new Error(`Lighthouse returned nothing for ${path}`);
        runs.push(result);
      }
      const performance = (r: (typeof runs)[number]) => r.lhr.categories.performance?.score ?? 0;
      const result = runs.sort((a, b) => performance(a) - performance(b))[Math.floor(runs.length / 2)];
      if (!result) throw new Error(`no run for ${path}`);
      const { categories, audits } = result.lhr;
      const dump = process.env.LIGHTHOUSE_JSON;
      if (dump) {
        mkdirSync(dump, { recursive: true });
        writeFileSync(join(dump, `${path.replace(/\W+/g, "_") || "root"}.json`), JSON.stringify(result.lhr, null, 1));
      }
      const scores = CATEGORIES.map((id) => Math.round((categories[id]?.score ?? 0) * 100));
      console.log(
        `${path.padEnd(28)} ${CATEGORIES.map((id, i) => `${id} ${scores[i]}`).join("  ")}` +
          `  (median of ${runs.map((r) => Math.round(performance(r) * 100)).join(", ")};` +
          ` benchmark index ${Math.round(result.lhr.environment.benchmarkIndex)})`,
      );
      for (const id of CATEGORIES) {
        for (const ref of categories[id]?.auditRefs ?? []) {
          const audit = audits[ref.id];
          if (ref.weight > 0 && audit && audit.score !== null && audit.score < 1) {
            console.log(`  ${id}: ${audit.id} (${audit.score}) ${audit.displayValue ?? audit.title}`);
          }
        }
      }
      if (scores.some((score) => score < 100)) failed = true;
    }
  } finally {
    await chrome.stop();
    await lookout?.stop();
  }
  process.exitCode = failed ? 1 : 0;
}

/** Headless Chromium with a debugging port for Lighthouse to drive, in a throw-away profile. */
async function launchChromium(): Promise<{ port: number; stop(): Promise<void> }> {
  const port = await freePort();
  const profile = mkdtempSync(join(tmpdir(), "lookout-lighthouse-"));
  const child: ChildProcess = spawn(
    CHROMIUM_PATH,
    [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      `--user-data-dir=${profile}`,
      `--remote-debugging-port=${port}`,
      "about:blank",
    ],
    { stdio: "ignore" },
  );
  for (let tries = 0; ; tries++) {
    const ready = await fetch(`http://127.0.0.1:${port}/json/version`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (tries > 100) throw new Error(`Chromium at ${CHROMIUM_PATH} did not open port ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    port,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGKILL");
        await exited;
      }
      rmSync(profile, { recursive: true, force: true, maxRetries: 5 });
    },
  };
}

/** An incident with a few updates, as readers would find during an outage. */
async function declareIncident(baseUrl: string, lookout: RunningLookout): Promise<string> {
  const token = /Admin token\s+(\S+)/.exec(lookout.output())?.[1] ?? "";
  const call = async (path: string, body: unknown) => {
    const response = await fetch(`${baseUrl}/api/v1${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as { id: string };
  };
  const { id } = await call("/incidents", {
    name: "Elevated API error rate",
    message: "Some API requests fail with 502. We are investigating.",
    components: { api: "partial_outage" },
  });
  await call(`/incidents/${id}/updates`, {
    status: "identified",
    message: "A bad deploy of the edge proxy; rolling back.",
  });
  return id;
}

async function anyIncident(baseUrl: string): Promise<string> {
  const body = (await (await fetch(`${baseUrl}/api/v2/incidents.json`)).json()) as { incidents: { id: string }[] };
  const id = body.incidents[0]?.id;
  if (!id) throw new Error("LOOKOUT_URL has no incident to audit: declare one first");
  return id;
}

await main();
