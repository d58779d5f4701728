import { describe, expect, it } from "vitest";
import { ADMIN_TOKEN_FOR_TESTS } from "../../helpers/test-secrets.ts";
import { ConsoleBrowser } from "../../helpers/workers/console.ts";

/**
 * Token sign-in refuses a client that keeps failing (worker/console/sign-in-limit.ts):
 * an ADMIN_TOKEN an operator chose by hand may be guessable, and each guess is a
 * request to the page's object. Only failures count: a team signing in at the
 * start of a shift from one office address is held back only by its failures.
 */
const attempt = (browser: ConsoleBrowser, client: string, token: string) =>
  browser.post("/console/sign-in", { person: "Mallory", token, next: "/console" }, { "cf-connecting-ip": client });

describe("token sign-in from a client that keeps failing", () => {
  it("answers 429 with Retry-After after ten failures in a quarter of an hour, the right token included", async () => {
    const browser = new ConsoleBrowser();
    await browser.get("/console/sign-in");
    for (let i = 0; i < 10; i++) {
      expect((await attempt(browser, "198.51.100.7", `wrong-token-${i}`)).status).toBe(401);
    }
    const refused = await attempt(browser, "198.51.100.7", ADMIN_TOKEN_FOR_TESTS);
    expect(refused.status).toBe(429);
    const wait = Number(refused.headers.get("retry-after"));
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(15 * 60);
    const page = await refused.text();
    expect(page).toContain("Too many failed sign-ins from your address.");
    expect(refused.headers.getSetCookie().some((line) => line.startsWith("lookout_session="))).toBe(false);
    // Another address is not held back by this one's failures.
    expect((await attempt(browser, "198.51.100.8", ADMIN_TOKEN_FOR_TESTS)).status).toBe(303);
  });

  it("lets no more than ten of many wrong tokens sent at once be tried", async () => {
    const browser = new ConsoleBrowser();
    await browser.get("/console/sign-in");
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => attempt(browser, "198.51.100.10", `burst-guess-${i}`)),
    );
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 401)).toHaveLength(10);
    expect(statuses.filter((status) => status === 429)).toHaveLength(10);
  });

  it("counts an IPv6 client by its /64, so a new address per guess gains nothing", async () => {
    const browser = new ConsoleBrowser();
    await browser.get("/console/sign-in");
    for (let i = 0; i < 10; i++) {
      expect((await attempt(browser, `2001:db8:7:7::${i + 1}`, `v6-guess-${i}`)).status).toBe(401);
    }
    expect((await attempt(browser, "2001:db8:7:7:ffff::1", "v6-guess-11")).status).toBe(429);
    expect((await attempt(browser, "2001:db8:7:8::1", ADMIN_TOKEN_FOR_TESTS)).status).toBe(303);
  });

  it("never refuses sign-ins that work, however many", async () => {
    const browser = new ConsoleBrowser();
    await browser.get("/console/sign-in");
    for (let i = 0; i < 12; i++) {
      expect((await attempt(browser, "198.51.100.9", ADMIN_TOKEN_FOR_TESTS)).status).toBe(303);
      await browser.get("/console/sign-in");
    }
  });
});
