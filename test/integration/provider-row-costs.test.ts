import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { defineConfig } from "../../worker/config/define-config.ts";
import { GROUP_SIZE } from "../../worker/core/monitors/probe-groups.ts";
import { monitorObject } from "../../worker/platform/stubs.ts";
import { pinFlags, pinFlagsForFile } from "../helpers/workers/flags.ts";
import { kick } from "../helpers/workers/kicks.ts";
import { clearOfOwnSlot, groupOf, makeDue, runDue } from "../helpers/workers/monitor-objects.ts";
import { meterRows } from "../helpers/workers/row-meter.ts";
import { targetUrl } from "../helpers/workers/targets.ts";
import { pageObject } from "../helpers/workers/worker.ts";

/**
 * What following providers costs a probe group in rows, the meter
 * Cloudflare bills most for (README "What it costs on Cloudflare"): a run in
 * which every provider's page answers 304 keeps every observation and writes
 * what a run of steady HTTP checks writes (its row of samples, its time and
 * its setAlarm: 3, test/integration/probe-group-storage.test.ts), however
 * many statuspage monitors it reads; a page that changed costs a row for
 * each monitor reading it (its new validators), and only then. The cost
 * benchmark's statuspage scenario (`BENCH_ONLY=providers`) measures the same
 * at 100 monitors.
 */

const HOURLY = 3600;
const GROUP = "group:1@default";
const group = () => monitorObject(env, GROUP, "default");

/** The provider server keeps state per key for as long as it lives: each run of this file has its own keys. */
const run = crypto.randomUUID().slice(0, 8);
const providerUrl = (key: string) => targetUrl(`/provider/${run}-${key}`);

async function move(key: string, scenario: string): Promise<void> {
  const response = await fetch(`${providerUrl(key)}/${scenario}`, { method: "POST" });
  expect(response.status, scenario).toBe(200);
}

async function providerStats(keys: readonly string[]) {
  const all = await Promise.all(
    keys.map(async (key) => (await (await fetch(`${providerUrl(key)}/stats`)).json()) as ProviderStats),
  );
  return all.reduce((a, b) => ({ requests: a.requests + b.requests, notModified: a.notModified + b.notModified }));
}
interface ProviderStats {
  requests: number;
  notModified: number;
}

/**
 * Half the group follows the group the provider's incident touches ("Canvas")
 * on page "a", half a group it leaves alone ("Portfolium") on page "b".
 */
const monitors = Array.from({ length: GROUP_SIZE }, (_, i) => ({
  id: `provider-${String(i).padStart(2, "0")}`,
  key: i < GROUP_SIZE / 2 ? "a" : "b",
  follows: i < GROUP_SIZE / 2 ? "Canvas" : "Portfolium",
}));

/** Places the twenty, and only them, in the region's first group; its own first run is spent while probing is off. */
async function placeInOneGroup(): Promise<void> {
  await pinFlags({ probing: false });
  await pageObject().reconcile(
    defineConfig({
      page: { name: "Providers", url: "https://status.providers.test" },
      components: monitors.map((m) => ({ id: m.id, name: m.id })),
      monitors: monitors.map((m) => ({
        id: m.id,
        kind: "statuspage" as const,
        url: providerUrl(m.key),
        providerComponents: [m.follows],
        components: [m.id],
        intervalSeconds: HOURLY,
      })),
    }),
  );
  await kick();
  for (const m of monitors) expect(await groupOf(m.id)).toBe(GROUP);
  await runDue(group());
  await clearOfOwnSlot(group());
  await pinFlags({ probing: true });
  await kick();
}

pinFlagsForFile({ probing: false, automatic_incidents: false });

describe("what following providers costs a probe group", () => {
  it("writes three rows for a run of twenty readings answered 304, one more per monitor whose page changed", async () => {
    const keys = ["a", "b"];
    for (const key of keys) await move(key, "operational");
    await placeInOneGroup();
    const meter = await meterRows(group());
    /** One run: rows written (setAlarm included) and how the pages answered it. */
    const measured = async () => {
      await makeDue(group());
      const before = await providerStats(keys);
      meter.reset();
      await runDue(group());
      const { rowsWritten, setAlarms, writers } = meter.count();
      const after = await providerStats(keys);
      return {
        rows: rowsWritten + setAlarms,
        readings: after.requests - before.requests,
        notModified: after.notModified - before.notModified,
        writers: JSON.stringify({ writers, setAlarms }),
      };
    };

    // The first reading is whole (nothing to validate against), then every monitor's memory settles.
    for (let i = 0; i < 3; i++) {
      await makeDue(group());
      await runDue(group());
    }
    const steady = await measured();
    expect(steady.readings).toBe(GROUP_SIZE);
    expect(steady.notModified).toBe(GROUP_SIZE);
    expect(steady.rows, steady.writers).toBe(3);

    // Page "b" changes, but not the group its ten monitors follow: each stores the page's new validators, nothing else.
    await move("b", "degraded");
    const changed = await measured();
    expect(changed.notModified).toBe(GROUP_SIZE / 2);
    expect(changed.rows, changed.writers).toBe(3 + GROUP_SIZE / 2);
    for (const m of monitors) expect((await group().inspectMonitor(m.id)).memory?.state, m.id).toBe("up");

    // And the run after it is all 304s again, at the steady cost.
    const again = await measured();
    expect(again.notModified).toBe(GROUP_SIZE);
    expect(again.rows, again.writers).toBe(3);
  }, 180_000);
});
