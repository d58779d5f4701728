import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { bundle } from "./bundle.ts";
import { ROOT } from "./harness.ts";

export type RenderStatusPage = typeof import("./render-entry.tsx")["renderStatusPage"];

/**
 * The status page's renderer, loadable in Node. hono/jsx renders the same
 * there as in workerd (both V8), and only Node can time a render: workerd's
 * clocks stand still while code runs.
 */
export async function loadRenderer(outdir: string): Promise<RenderStatusPage> {
  const outfile = await bundle(join(ROOT, "bench/render-entry.tsx"), join(outdir, "render.mjs"), "node");
  const module = (await import(pathToFileURL(outfile).href)) as typeof import("./render-entry.tsx");
  return module.renderStatusPage;
}
