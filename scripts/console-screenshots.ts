/**
 * `npm run console-screenshots [-- path[=name] ...]`: signs in to a running
 * Lookout (`npm start`) as "Ada Lovelace" with the admin token and saves a
 * PNG of each console path, 1000 px wide and on a 390 px phone, light, in
 * docs/images/: console-<name>.png and console-<name>-phone.png.
 *
 * With no path: the sign-in page and the dashboard. A name defaults to the
 * path after /console/ ("dashboard" for /console itself); give one for a path
 * with an id in it, e.g. incident-room=/console/incidents/abc123. Sign-in
 * pages are taken before signing in.
 *
 *   LOOKOUT_URL=http://127.0.0.1:8787   where Lookout runs (npm start's default)
 *   LOOKOUT_TOKEN=lk_admin_...          the token to sign in with (default: ADMIN_TOKEN in .dev.vars)
 *   SCREENSHOT_DIR=docs/images          where the PNGs go
 *   CHROMIUM_PATH=/usr/bin/chromium
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { BrowserContextOptions } from "playwright-core";
import { launchBrowser } from "../test/helpers/node/browser.ts";
import { signIn } from "../test/helpers/node/console-session.ts";
import { projectRoot } from "../test/helpers/node/lookout-process.ts";

const PERSON = "Ada Lovelace";
const SIZES: { suffix: string; options: BrowserContextOptions }[] = [
  { suffix: "", options: { viewport: { width: 1000, height: 700 }, deviceScaleFactor: 1 } },
  {
    suffix: "-phone",
    options: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true },
  },
];

function adminToken(): string {
  if (process.env.LOOKOUT_TOKEN) return process.env.LOOKOUT_TOKEN;
  const vars = join(projectRoot, ".dev.vars");
  const token = existsSync(vars) ? /^ADMIN_TOKEN=(.+)$/m.exec(readFileSync(vars, "utf8"))?.[1]?.trim() : undefined;
  if (!token) throw new Error("No admin token: run `npm start` once (it writes .dev.vars) or set LOOKOUT_TOKEN.");
  return token;
}

/** "/console/flags" → flags; "incident-room=/console/incidents/abc" → the name given. */
function parse(argument: string): { path: string; name: string } {
  const named = /^([\w-]+)=(.*)$/.exec(argument);
  const path = named?.[2] ?? argument;
  if (!/^\/console(?:[/?]|$)/.test(path)) throw new Error(`${argument}: give a console path, e.g. /console`);
  const fromPath = path
    .replace(/^\/console\/?/, "")
    .replace(/\W+/g, "-")
    .replace(/^-|-$/g, "");
  return { path, name: named?.[1] ?? (fromPath || "dashboard") };
}

async function main() {
  const baseUrl = (process.env.LOOKOUT_URL ?? "http://127.0.0.1:8787").replace(/\/$/, "");
  const outDir = join(projectRoot, process.env.SCREENSHOT_DIR ?? join("docs", "images"));
  const shots = (process.argv.length > 2 ? process.argv.slice(2) : ["/console/sign-in", "/console"]).map(parse);
  const token = adminToken();
  mkdirSync(outDir, { recursive: true });
  const browser = await launchBrowser();
  try {
    for (const { suffix, options } of SIZES) {
      const context = await browser.newContext({ ...options, colorScheme: "light" });
      const page = await context.newPage();
      let signedIn = false;
      for (const { path, name } of shots) {
        const signInPage = path.startsWith("/console/sign-in");
        if (!signInPage && !signedIn) {
          await signIn(page, baseUrl, token, PERSON);
          if (new URL(page.url()).pathname === "/console/sign-in") throw new Error(`sign-in refused at ${baseUrl}`);
          signedIn = true;
        }
        const response = await page.goto(`${baseUrl}${path}`);
        if (response?.status() !== 200) throw new Error(`${path} answered ${response?.status()}`);
        const file = join(outDir, `console-${name}${suffix}.png`);
        writeFileSync(file, await page.screenshot({ fullPage: true }));
        console.log(`${file.slice(projectRoot.length)}  ${path} at ${options.viewport?.width} px`);
      }
      await context.close();
    }
  } finally {
    await browser.close();
  }
}

await main();
