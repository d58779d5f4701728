/**
 * Headless Chromium for end-to-end tests, driven with playwright-core. CI
 * installs Debian's `chromium`; CHROMIUM_PATH points elsewhere if needed.
 */
import { existsSync } from "node:fs";
import { type Browser, chromium, type Page, type Response } from "playwright-core";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`No Chromium at ${CHROMIUM_PATH}: apt-get install chromium, or set CHROMIUM_PATH.`);
  }
  // Playwright gives every launch a fresh, throw-away user data dir.
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-quic",
      "--no-first-run",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

declare global {
  interface Window {
    __cspViolations?: string[];
  }
}

/**
 * Records what a reader would see go wrong: console errors, uncaught
 * exceptions, CSP violations, requests that fail or answer 4xx/5xx.
 * `expectedStatus` lets a test open a page that is meant to be a 404.
 */
export async function watchProblems(page: Page, { expectedStatus = 200 } = {}) {
  const problems: string[] = [];
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener("securitypolicyviolation", (event) => {
      window.__cspViolations?.push(`${event.violatedDirective} blocked ${event.blockedURI}`);
    });
  });
  page.on("console", (message) => {
    if (message.type() !== "error") return;
    // The main document's own 404 is logged as an error; that one is intended.
    if (expectedStatus !== 200 && /status of 404/.test(message.text())) return;
    problems.push(`console error: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("requestfailed", (request) =>
    problems.push(`request failed: ${request.url()} (${request.failure()?.errorText})`),
  );
  page.on("response", (response: Response) => {
    const isDocument = response.request().isNavigationRequest();
    const expected = isDocument ? expectedStatus : 200;
    if (response.status() >= 400 && response.status() !== expected) {
      problems.push(`HTTP ${response.status()} for ${response.url()}`);
    }
  });
  return {
    /** Forgets what was seen so far (after a deliberate retry). */
    reset() {
      problems.length = 0;
    },
    /** Problems seen so far, CSP violations reported to the page included. */
    async collect(): Promise<string[]> {
      const csp = await page.evaluate(() => window.__cspViolations ?? []).catch(() => []);
      return [...problems, ...csp.map((v) => `CSP violation: ${v}`)];
    },
  };
}
