/**
 * Following a provider, as a newcomer sees it under `npm start` with the
 * example config: the local provider page "Demo CDN" (scripts/demo-provider.ts)
 * is read every minute and its component on the page mirrors it; put through
 * an incident with the curl `npm start` prints, it shows as a partial outage
 * on the page after the monitor's next reading. Readings are counted at the
 * provider page (its /stats), never timed; the wait is printed. It costs one
 * start and up to one interval (60 s) of waiting, so the way back (the same
 * path, covered in workerd by test/integration/provider-monitors.test.ts) is
 * not waited for here.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import config from "../../lookout.config.ts";
import { DEMO_PROVIDER_KEY, DEMO_PROVIDER_PORT } from "../../scripts/demo-provider.ts";
import { COMPONENT_STATUS_LABELS, type ComponentStatus } from "../../worker/core/statuses.ts";
import { type RunningLookout, startLookout } from "../helpers/node/lookout-process.ts";

const provider = `http://127.0.0.1:${DEMO_PROVIDER_PORT}/${DEMO_PROVIDER_KEY}`;
const monitor = config.monitors.find((m) => m.kind === "statuspage");
const componentId = monitor?.components[0] ?? "cdn";
const componentName = config.components.find((c) => c.id === componentId)?.name ?? "Demo CDN";
/** A reading every interval; the wait allows one whole interval and a half for the page to follow. */
const patienceMs = (monitor?.intervalSeconds ?? 60) * 1_500;

let lookout: RunningLookout;

beforeAll(async () => {
  lookout = await startLookout();
});

afterAll(async () => {
  await fetch(`${provider}/operational`, { method: "POST" }).catch(() => undefined);
  await lookout?.stop();
});

/** How many times the monitor has asked for the provider's summary.json, and how many it got whole (not a 304). */
async function readings(): Promise<{ all: number; whole: number }> {
  const stats = (await (await fetch(`${provider}/stats`)).json()) as { requests: number; notModified: number };
  return { all: stats.requests, whole: stats.requests - stats.notModified };
}

async function statusOnPage(): Promise<ComponentStatus | undefined> {
  const response = await fetch(`${lookout.baseUrl}/api/v2/components.json`);
  const body = (await response.json()) as { components: { id: string; status: ComponentStatus }[] };
  return body.components.find((c) => c.id === componentId)?.status;
}

async function waitFor(what: string, until: () => Promise<boolean>): Promise<void> {
  const started = Date.now();
  while (!(await until())) {
    if (Date.now() - started > patienceMs)
      throw new Error(`${what}: not within ${patienceMs / 1000} s\n--- output ---\n${lookout.output().slice(-4000)}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  console.log(`${what} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** The component's page, as a reader opens it, says this status. */
async function componentPageSays(status: ComponentStatus): Promise<boolean> {
  const html = await (await fetch(`${lookout.baseUrl}/components/${componentId}`)).text();
  return html.includes(componentName) && html.includes(COMPONENT_STATUS_LABELS[status]);
}

describe("the example config following the local provider under npm start", () => {
  it("shows the provider operational, then its incident as a partial outage after one reading", async () => {
    expect(monitor, "the example config follows a provider").toBeDefined();
    await waitFor("the first reading", async () => (await readings()).all >= 1);
    await waitFor(`${componentName} operational`, async () => (await statusOnPage()) === "operational");
    expect(await componentPageSays("operational")).toBe(true);
    expect(await componentPageSays("partial_outage")).toBe(false);

    // Counted before the change: a reading landing between the POST and the count would otherwise be missed.
    const before = await readings();
    const answer = await fetch(`${provider}/incident`, { method: "POST" });
    expect(answer.status).toBe(200);
    await waitFor(`${componentName} in partial outage`, async () => (await statusOnPage()) === "partial_outage");
    // The reading that first got the changed page is the one the page follows: the next one, within an interval.
    // (Asks answered 304 before the change came in carry nothing; they are counted apart.)
    const after = await readings();
    console.log(`readings after the incident began: ${after.all - before.all}, ${after.whole - before.whole} whole`);
    expect(after.whole - before.whole).toBe(1);
    await waitFor("the component page says so", () => componentPageSays("partial_outage"));
  }, 180_000);
});
