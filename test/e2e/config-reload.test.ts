/**
 * Editing the config under `npm start` never stops the local stack: a config
 * with mistakes is reported once, with the list `npm run check-config`
 * prints (no stack trace, no wrangler error), the last good config keeps
 * serving, and once the mistakes are fixed the new config applies. The test
 * edits its own config file (LOOKOUT_CONFIG), never lookout.config.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectRoot, type RunningLookout, startLookout } from "../helpers/node/lookout-process.ts";

const dir = mkdtempSync(join(tmpdir(), "lookout-config-test-"));
const configFile = join(dir, "lookout.config.ts");
const PROBLEM = 'components[1].group: unknown group "nope" (declared: core)';

/** A small page; `group` is where its second component goes (a mistake when not "core"). */
function writeConfig(name: string, group = "core"): void {
  writeFileSync(
    configFile,
    `import { defineConfig } from ${JSON.stringify(join(projectRoot, "worker/config/define-config.ts"))};
export default defineConfig({
  page: { name: ${JSON.stringify(name)}, url: "https://status.reload.test" },
  groups: [{ id: "core", name: "Core" }],
  components: [
    { id: "website", name: "Website" },
    { id: "api", name: "API", group: ${JSON.stringify(group)} },
  ],
});
`,
  );
}

async function pageName(baseUrl: string): Promise<string | null> {
  const html = await (await fetch(`${baseUrl}/`)).text();
  return /<title>([^<]*) Status<\/title>/.exec(html)?.[1] ?? null;
}

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 60_000;
  let value = await read();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    value = await read();
  }
  if (!done(value)) throw new Error(`${what}: still ${JSON.stringify(value)}\n--- output ---\n${lookout.output()}`);
  return value;
}

const count = (text: string, part: string) => text.split(part).length - 1;

let lookout: RunningLookout;

beforeAll(async () => {
  writeConfig("Reload One");
  lookout = await startLookout({ env: { LOOKOUT_CONFIG: configFile } });
});

afterAll(async () => {
  await lookout?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("editing the config under npm start", () => {
  it("reports a broken config once, keeps serving the last good one, and applies the fixed one", async () => {
    expect(await pageName(lookout.baseUrl)).toBe("Reload One");
    const before = lookout.output().length;

    writeConfig("Reload Broken", "nope");
    await eventually(
      async () => lookout.output().slice(before),
      (text) => text.includes(PROBLEM),
      "the problem reported",
    );
    // Saved again with the same mistake: nothing new to say.
    writeConfig("Reload Broken", "nope");
    // Still serving, and still the last good config.
    expect((await fetch(`${lookout.baseUrl}/healthCheck`)).status).toBe(200);
    expect(await pageName(lookout.baseUrl)).toBe("Reload One");

    writeConfig("Reload Two");
    await eventually(
      () => pageName(lookout.baseUrl),
      (name) => name === "Reload Two",
      "the fixed config applied",
    );
    const after = lookout.output().slice(before);
    expect(count(after, PROBLEM), after).toBe(1);
    expect(after).toContain("Invalid lookout.config.ts:");
    // No stack trace, no wrangler error: only the check's list.
    expect(after, after).not.toMatch(/^\s+at /m);
    expect(after, after).not.toMatch(/✘|\[ERROR\]|Uncaught/);
    expect(after).toContain('lookout.config.ts is valid: "Reload Two"');
  });
});
