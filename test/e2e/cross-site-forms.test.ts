/**
 * A real browser posting Lookout's subscribe form from pages on other
 * origins: what Chromium sends (Origin, Sec-Fetch-Site) is what the Worker
 * refuses; the page's own form still subscribes.
 */
import { createServer, type Server } from "node:http";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "../helpers/node/browser.ts";
import { freePort, type RunningLookout, startLookout } from "../helpers/node/lookout-process.ts";

let lookout: RunningLookout;
let browser: Browser;
let elsewhere: Server;
let elsewherePort = 0;

beforeAll(async () => {
  lookout = await startLookout();
  browser = await launchBrowser();
  elsewherePort = await freePort();
  // Another site's page with a form aimed at the status page, as an attacker would host it.
  elsewhere = createServer((request, response) => {
    const email = new URL(request.url ?? "/", "http://x").searchParams.get("email") ?? "";
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    response.end(
      `<!doctype html><title>Elsewhere</title><form method="post" action="${lookout.baseUrl}/subscribe">` +
        `<input name="email" value="${email.replace(/[^a-z0-9@.-]/gi, "")}"><button>Win a prize</button></form>`,
    );
  });
  await new Promise<void>((resolve) => elsewhere.listen(elsewherePort, "127.0.0.1", resolve));
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => elsewhere?.close(resolve));
  await lookout?.stop();
});

async function postFrom(origin: string, email: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${origin}/?email=${encodeURIComponent(email)}`);
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url() === `${lookout.baseUrl}/subscribe`),
    page.getByRole("button", { name: "Win a prize" }).click(),
  ]);
  const sent = await response.request().allHeaders();
  const text = await response.text();
  await context.close();
  return { status: response.status(), sent, text };
}

describe("the subscribe form in a real browser", () => {
  it("is refused when another site's page posts it (Sec-Fetch-Site: cross-site)", async () => {
    // localhost and 127.0.0.1 are different sites to the browser.
    const answer = await postFrom(`http://localhost:${elsewherePort}`, "cross-site@example.com");
    expect(answer.sent["sec-fetch-site"]).toBe("cross-site");
    expect(answer.sent.origin).toBe(`http://localhost:${elsewherePort}`);
    expect(answer.status).toBe(403);
    expect(answer.text).toContain("sent from another site");
  });

  it("is refused when a page on the same host but another port posts it (same-site, another Origin)", async () => {
    const answer = await postFrom(`http://127.0.0.1:${elsewherePort}`, "same-site@example.com");
    expect(answer.sent["sec-fetch-site"]).toBe("same-site");
    expect(answer.status).toBe(403);
    expect(answer.text).toContain("sent from another site");
  });

  it("still subscribes from the status page's own form", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${lookout.baseUrl}/`);
    const form = page.getByRole("region", { name: "Get updates by email" });
    await form.getByLabel("Email address").fill("own-form@example.com");
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url() === `${lookout.baseUrl}/subscribe`),
      form.getByRole("button", { name: "Subscribe" }).click(),
    ]);
    expect((await response.request().allHeaders())["sec-fetch-site"]).toBe("same-origin");
    expect(response.status()).toBe(200);
    expect(await page.getByText("Check your inbox").count()).toBeGreaterThan(0);
    await context.close();
  });
});
