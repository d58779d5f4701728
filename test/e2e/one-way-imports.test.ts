/**
 * The lint rules that keep imports running one way (biome.json,
 * lint/objects-by-type-only.grit, docs/decisions/0031-one-way-imports.md)
 * really refuse what they promise to, and only that: probe files that break
 * each rule, beside lines that keep it, are written where the rules apply and
 * linted; the exact set of findings is compared. (*.lint-probe.ts is
 * gitignored, so a probe left behind by a killed run never fails `npm run
 * lint`; the probes are valid TypeScript, so it never fails the typecheck.)
 */
import { spawnSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { projectRoot } from "../helpers/node/lookout-process.ts";

const probes: Record<string, string> = {
  // Two core modules that import each other: a cycle.
  "worker/core/cycle-a.lint-probe.ts": `import { b } from "./cycle-b.lint-probe.ts";\nexport const a = (): unknown => b;\n`,
  "worker/core/cycle-b.lint-probe.ts": `import { a } from "./cycle-a.lint-probe.ts";\nexport const b = (): unknown => a;\n`,
  // The core reaching past itself.
  "worker/core/reach.lint-probe.ts": [
    `import * as durations from "./durations.ts";`,
    `import * as log from "../platform/log.ts";`,
    `import * as schema from "./config/schema.ts";`,
    `export const all = [durations, log, schema];`,
  ].join("\n"),
  // A Durable Object: the core and the platform are fine, the edge is not.
  "durable-objects/status-page/reach.lint-probe.ts": [
    `import * as contract from "../../worker/core/api/contract.ts";`,
    `import * as log from "../../worker/platform/log.ts";`,
    `import * as router from "../../worker/api/router.ts";`,
    `import * as cache from "../../worker/cache/edge-cache.ts";`,
    `import * as outbox from "./outbox.ts";`,
    `export const all = [contract, log, router, cache, outbox];`,
  ].join("\n"),
  // The platform: the core is fine, the edge and the objects are not.
  "worker/platform/reach.lint-probe.ts": [
    `import * as durations from "../core/durations.ts";`,
    `import * as cache from "../cache/edge-cache.ts";`,
    `import type { Subscriber } from "../../durable-objects/status-page/subscribers.ts";`,
    `export const all = [durations, cache] as unknown as Subscriber[];`,
  ].join("\n"),
  // The edge: a Durable Object module's types, never its values.
  "worker/routes/objects.lint-probe.ts": [
    `import type { Subscriber } from "../../durable-objects/status-page/subscribers.ts";`,
    `import * as statusPage from "../../durable-objects/status-page/status-page.ts";`,
    `import { type StorageHealth } from "../../durable-objects/status-page/status-page.ts";`,
    `export const all = [statusPage] as unknown as (Subscriber | StorageHealth)[];`,
  ].join("\n"),
};

afterAll(() => {
  for (const path of Object.keys(probes)) rmSync(join(projectRoot, path), { force: true });
});

describe("one-way imports", () => {
  it("lint refuses a cycle, the core, the objects and the platform reaching out, and the edge loading an object", () => {
    for (const [path, text] of Object.entries(probes)) writeFileSync(join(projectRoot, path), text);
    const result = spawnSync(
      join(projectRoot, "node_modules/.bin/biome"),
      ["lint", "--vcs-use-ignore-file=false", "--reporter=github", ...Object.keys(probes)],
      { cwd: projectRoot, encoding: "utf8" },
    );
    // ::error title=lint/style/noRestrictedImports,file=/abs/path,line=2,…::message
    const findings = [...result.stdout.matchAll(/^::error title=([^,]+),file=([^,]+),line=(\d+),/gm)]
      .map(([, rule, file, line]) => `${relative(projectRoot, file ?? "")}:${line} ${rule}`)
      .sort();
    expect(findings).toEqual(
      [
        "worker/core/cycle-a.lint-probe.ts:1 lint/suspicious/noImportCycles",
        "worker/core/cycle-b.lint-probe.ts:1 lint/suspicious/noImportCycles",
        "worker/core/reach.lint-probe.ts:2 lint/style/noRestrictedImports",
        "durable-objects/status-page/reach.lint-probe.ts:3 lint/style/noRestrictedImports",
        "durable-objects/status-page/reach.lint-probe.ts:4 lint/style/noRestrictedImports",
        "worker/platform/reach.lint-probe.ts:2 lint/style/noRestrictedImports",
        "worker/platform/reach.lint-probe.ts:3 lint/style/noRestrictedImports",
        "worker/routes/objects.lint-probe.ts:2 plugin",
        "worker/routes/objects.lint-probe.ts:3 plugin",
      ].sort(),
    );
    expect(result.status).not.toBe(0);
  });
});
