/**
 * Signing in to the console the way a person does it, in a real browser:
 * the sign-in form, filled and sent. Shared by test/e2e/console.test.ts and
 * scripts/console-screenshots.ts.
 */
import type { Page } from "playwright-core";

/** The bootstrap admin token `npm start` printed (it also wrote it to .dev.vars). */
export function adminTokenFrom(output: string): string {
  const token = /Admin token\s+(\S+)/.exec(output)?.[1];
  if (!token) throw new Error(`npm start printed no admin token:\n${output.slice(-2000)}`);
  return token;
}

/** Opens the sign-in page, fills it and sends it; resolves once the page it leads to has loaded. */
export async function signIn(page: Page, baseUrl: string, token: string, person: string, next = "/console") {
  await page.goto(`${baseUrl}/console/sign-in?next=${encodeURIComponent(next)}`);
  await page.getByLabel("Your name").fill(person);
  await page.getByLabel("API token").fill(token);
  await Promise.all([
    page.waitForURL((url) => url.pathname !== "/console/sign-in"),
    page.getByRole("button", { name: "Sign in" }).click(),
  ]);
}
