/**
 * The Worker's `Env` is not written by hand: `wrangler types` generates it
 * from wrangler.toml (bindings, vars, the Durable Object classes) and
 * .dev.vars.example (secrets and optional settings) into
 * worker-configuration.d.ts, which is checked in. `npm run types` rewrites
 * it; `--check` (run by `npm run typecheck`, so by CI) regenerates it beside
 * the real one and fails when the two differ by a byte. (`wrangler types
 * --check` only compares the inputs' hash in the header, so a hand edit to
 * the body would pass it.) See docs/decisions/0031-one-way-imports.md.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const FILE = "worker-configuration.d.ts";
/**
 * Runtime types come from @cloudflare/workers-types (tsconfig.json); vars
 * are typed `string`, not their wrangler.toml literals, because tests and
 * operators set other values (LOG_LEVEL "warn"). .dev.vars.example, not the
 * developer's own .dev.vars, names the secrets, so every machine generates
 * the same file.
 */
const ARGS = ["--include-runtime=false", "--strict-vars=false", "--env-file=.dev.vars.example"];

function generate(path: string): void {
  const result = spawnSync(`${root}node_modules/.bin/wrangler`, ["types", path, ...ARGS], {
    cwd: root,
    encoding: "utf8",
    env: {
      ...process.env,
      CLOUDFLARE_CF_FETCH_ENABLED: "false",
      WRANGLER_SEND_METRICS: "false",
      WRANGLER_HIDE_BANNER: "true",
    },
  });
  if (result.status !== 0) throw new Error(`wrangler types failed:\n${result.stdout}${result.stderr}`);
}

if (!process.argv.includes("--check")) {
  generate(FILE);
} else {
  // Beside the real file, so the import() paths to the Worker's classes come out the same; the
  // header names the command, which names the scratch file where the real one has the default.
  const scratch = `.${FILE.replace(".d.ts", "")}-${process.pid}.d.ts`;
  let fresh: string;
  try {
    generate(scratch);
    fresh = readFileSync(`${root}${scratch}`, "utf8").replace(` ${scratch}\``, "`");
  } finally {
    rmSync(`${root}${scratch}`, { force: true });
  }
  if (fresh !== readFileSync(`${root}${FILE}`, "utf8")) {
    console.error(`${FILE} is not what \`wrangler types\` generates from wrangler.toml and .dev.vars.example.`);
    console.error("Run `npm run types` and commit the result.");
    process.exit(1);
  }
}
