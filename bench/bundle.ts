import { build } from "esbuild";

/**
 * Bundles one bench entry with esbuild, the bundler wrangler itself uses, so
 * JSX and TypeScript compile as they do for the deployed Worker.
 */
export async function bundle(entry: string, outfile: string, platform: "node" | "neutral"): Promise<string> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: "esm",
    platform,
    target: "es2023",
    jsx: "automatic",
    jsxImportSource: "hono/jsx",
    logLevel: "silent",
  });
  return outfile;
}
