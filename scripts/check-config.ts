/**
 * Validates lookout.config.ts (or the file LOOKOUT_CONFIG names); exits
 * non-zero with the problems named, never a stack trace. Used by `npm run
 * check-config`, `npm run deploy` and `npm start`, which also asks it (with
 * `--emit <file>`) to write the validated config where the local Worker reads
 * it, so only a config that passed here ever reaches wrangler.
 */
import { renameSync, writeFileSync } from "node:fs";
import { basename, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { ConfigError } from "../worker/config/define-config.ts";
import type { LookoutConfig } from "../worker/core/config/schema.ts";

const path = resolve(process.env.LOOKOUT_CONFIG ?? fileURLToPath(new URL("../lookout.config.ts", import.meta.url)));
const emitAt = process.argv.indexOf("--emit");
const emit = emitAt >= 0 ? process.argv[emitAt + 1] : undefined;

let config: LookoutConfig;
try {
  ({ default: config } = (await import(pathToFileURL(path).href)) as { default: LookoutConfig });
  if (!config?.page || !Array.isArray(config.components)) {
    throw new ConfigError(["(root): the file must `export default defineConfig({ … })`"]);
  }
} catch (error) {
  // A mistake in the config is the user's to fix: say what it is, not where in Lookout it surfaced.
  const message =
    error instanceof ConfigError
      ? error.message.replace("lookout.config.ts", basename(path))
      : `Could not load ${basename(path)}:\n  - ${firstLine(error)}`;
  console.error(message);
  process.exit(1);
}
console.log(
  `${basename(path)} is valid: "${config.page.name}", ${config.components.length} components in ${config.groups.length} groups, ${config.monitors.length} monitors.`,
);
if (emit) {
  // Written whole and then renamed, so the Worker's bundler never reads half a file.
  writeFileSync(
    `${emit}.tmp`,
    `// Written by scripts/check-config.ts from ${path}: the last config that passed.\nexport default ${JSON.stringify(config, null, 2)};\n`,
  );
  renameSync(`${emit}.tmp`, emit);
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.split("\n").find((line) => line.trim() !== "") ?? text;
}
