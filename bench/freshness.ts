/**
 * The page-freshness figure (docs/budgets.md: what a reader is served is
 * never older than a few seconds while the StatusPage object answers): the
 * page changes every `changeSeconds` while readers poll public
 * surfaces at random intervals; each answer's age is how long the copy it
 * carried had been out of date when it arrived. The change is a
 * communicator's write through the API from another isolate than the
 * readers' (bench/driver-api.ts): an open incident's impact, moved to another
 * level and back in turns, which readers see on every surface (the incident's
 * colour, its impact in the JSON) and which adds no rows to the page.
 *
 * "Out of date since" is the moment the object recorded the first change the
 * copy does not show: the write's own `updated_at`, read back from the
 * object, and the copy's state is the `updated_at` it carries (`page.updated_at`
 * in the v2 JSON, the "Last updated" `<time datetime>` on `/`). A copy showing
 * the newest change has age 0. Measured when the whole body has arrived, so
 * the figure includes the trip to the reader.
 */
import { Agent, get } from "node:http";
import type { RunningWorker } from "./harness.ts";
import { changeImpact, type SeededIncident } from "./reference.ts";
import { count, ms, quantile, type Row, verdict } from "./stats.ts";

export interface FreshnessSettings {
  seconds: number;
  changeSeconds: number;
  readers: number;
  /** Each reader waits a random time, uniform between 0 and this, between polls. */
  maxPauseSeconds: number;
}

/** BENCH_FRESHNESS_SECONDS (default 300: docs/budgets.md), _CHANGE_SECONDS (30), _READERS (12), _MAX_PAUSE_SECONDS (10). */
export function freshnessSettings(): FreshnessSettings {
  const read = (name: string, fallback: number) => {
    const raw = process.env[name];
    const value = raw === undefined || raw === "" ? fallback : Number(raw);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, not "${raw}"`);
    return value;
  };
  return {
    seconds: read("BENCH_FRESHNESS_SECONDS", 300),
    changeSeconds: read("BENCH_FRESHNESS_CHANGE_SECONDS", 30),
    readers: Math.round(read("BENCH_FRESHNESS_READERS", 12)),
    maxPauseSeconds: read("BENCH_FRESHNESS_MAX_PAUSE_SECONDS", 10),
  };
}

/** The surfaces readers poll, and where each says which state it shows. */
const SURFACES: { path: string; updatedAt: (body: string) => string | undefined }[] = [
  { path: "/", updatedAt: (body) => /Last updated <time datetime="([^"]+)"/.exec(body)?.[1] },
  {
    path: "/api/v2/summary.json",
    updatedAt: (body) => (JSON.parse(body) as { page: { updated_at: string } }).page.updated_at,
  },
  {
    path: "/api/v2/status.json",
    updatedAt: (body) => (JSON.parse(body) as { page: { updated_at: string } }).page.updated_at,
  },
];

interface Answer {
  body: string;
  cache: string;
  arrivedAt: number;
}

function fetchText(agent: Agent, url: URL): Promise<Answer> {
  return new Promise((resolve, reject) => {
    // No Accept-Encoding: the body arrives as text, as it would to curl.
    const request = get(url, { agent }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => {
        if (response.statusCode !== 200) reject(new Error(`${url.pathname} answered ${response.statusCode}`));
        else
          resolve({
            body: Buffer.concat(chunks).toString("utf8"),
            cache: String(response.headers["x-lookout-cache"] ?? "-"),
            arrivedAt: Date.now(),
          });
      });
      response.on("error", reject);
    });
    request.on("error", reject);
  });
}

const sleep = (msToWait: number) => new Promise((resolve) => setTimeout(resolve, msToWait));

export async function freshnessFigures(
  worker: RunningWorker,
  active: readonly SeededIncident[],
  settings: FreshnessSettings,
  progress: (message: string) => void,
): Promise<{ rows: Row[]; notes: string[] }> {
  const page = worker.object("page");
  const base = worker.apiAt("page");
  const incident = active[0];
  if (!incident) throw new Error("freshness: the page has no open incident to change");
  /** When the object recorded each change (its `updated_at`, ms), oldest first. */
  const recorded: number[] = [(await page.snapshot()).updatedAt].map(Date.parse);
  const ages: number[] = [];
  const states = new Map<string, number>();
  let errors = 0;
  let running = true;
  const agent = new Agent({ keepAlive: true, maxSockets: settings.readers });

  const reader = async () => {
    while (running) {
      await sleep(Math.random() * settings.maxPauseSeconds * 1000);
      if (!running) break;
      const surface = SURFACES[Math.floor(Math.random() * SURFACES.length)] as (typeof SURFACES)[number];
      try {
        const answer = await fetchText(agent, new URL(surface.path, worker.url));
        const shown = Date.parse(surface.updatedAt(answer.body) ?? "");
        if (!Number.isFinite(shown)) throw new Error(`${surface.path} carries no updated_at`);
        // v2 JSON may carry whole seconds: a change counts as shown when its second is.
        const firstUnshown = recorded.find((at) => Math.floor(at / 1000) * 1000 > shown);
        ages.push(firstUnshown === undefined ? 0 : Math.max(0, answer.arrivedAt - firstUnshown));
        states.set(answer.cache, (states.get(answer.cache) ?? 0) + 1);
      } catch {
        errors++;
      }
    }
  };

  const changer = async () => {
    let changed = false;
    for (let k = 1; k * settings.changeSeconds < settings.seconds; k++) {
      await sleep(k * settings.changeSeconds * 1000 - (Date.now() - startedAt));
      changed = !changed;
      // Until the object's own time is known, the moment before the write stands in (never later than it).
      const index = recorded.push(Date.now()) - 1;
      await changeImpact(base, incident, changed);
      recorded[index] = Date.parse((await page.snapshot()).updatedAt);
      progress(`freshness: change ${k}, ${count(ages.length)} answers so far`);
    }
  };

  const startedAt = Date.now();
  const readers = Array.from({ length: settings.readers }, reader);
  await changer();
  await sleep(Math.max(0, settings.seconds * 1000 - (Date.now() - startedAt)));
  running = false;
  await Promise.all(readers);
  agent.destroy();
  // Leave the page as it was found.
  await changeImpact(base, incident, false);

  const p50 = quantile(ages, 0.5);
  const p99 = quantile(ages, 0.99);
  const max = Math.max(...ages);
  const stale = ages.filter((age) => age > 0).length;
  const served = [...states.values()].reduce((a, b) => a + b, 0);
  const share = [...states].map(([state, n]) => `${state} ${((100 * n) / Math.max(1, served)).toFixed(1)}%`).join(", ");
  const windowMs = 4_000;
  return {
    rows: [
      { figure: "   page freshness: age served, p50", value: ms(p50) },
      {
        figure: "   page freshness: age served, p99",
        value: ms(p99),
        budget: "< 4 s (freshness window)",
        // An answer that never came showed nothing current: any error fails the figure rather than leaving it out.
        verdict: verdict(p99 < windowMs && errors === 0),
      },
      { figure: "   (diagnostic) page freshness: worst", value: ms(max) },
    ],
    notes: [
      `Freshness: ${settings.seconds} s with a change (an open incident's impact, through the API) every ${settings.changeSeconds} s (${recorded.length - 1} changes) ` +
        `and ${settings.readers} readers each pausing 0–${settings.maxPauseSeconds} s at random between GETs of ` +
        `${SURFACES.map((s) => s.path).join(", ")}: ${count(ages.length)} answers, ${count(stale)} not showing the newest change ` +
        `(age > 0), ${errors} errors; cache ${share}. Age = arrival − when the object recorded the first change the copy lacks.`,
    ],
  };
}
