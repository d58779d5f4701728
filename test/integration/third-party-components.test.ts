import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../worker/app.tsx";
import { defineConfig } from "../../worker/config/define-config.ts";
import { pinFlagsForFile } from "../helpers/workers/flags.ts";
import { kick } from "../helpers/workers/kicks.ts";
import { runGroup } from "../helpers/workers/monitor-objects.ts";
import { targetUrl } from "../helpers/workers/targets.ts";
import { pageObject } from "../helpers/workers/worker.ts";

/**
 * A third-party component on the public pages: a statuspage monitor reads a
 * real local provider page (scripts/provider-page.ts, built from a real
 * Statuspage sample) and the component's page says whose status it is, shows
 * the provider's open incident with its latest update and link, and says
 * since when the provider's page cannot be read while keeping the last status
 * it stated (decision 0039). The provider's words are untrusted: markup is
 * shown as text and only http(s) links become links.
 */

const run = crypto.randomUUID().slice(0, 8);
const providerUrl = (name: string) => targetUrl(`/provider/${run}-${name}`);

// No edge cache between a reading and the page: each request renders what the object holds now.
const app = createApp({ freshMs: 0, maxStaleMs: 0, sharedCache: () => null });
const page = async (path: string) => {
  const response = await app.request(`https://status.test${path}`, {}, env);
  expect(response.status, path).toBe(200);
  return response.text();
};

async function provider(name: string, scenario: string): Promise<void> {
  const response = await fetch(`${providerUrl(name)}/${scenario}`, { method: "POST" });
  expect(response.status, scenario).toBe(200);
}

async function follow(name: string): Promise<void> {
  await pageObject().reconcile(
    defineConfig({
      page: { name: "Depends", url: "https://status.depends.test" },
      groups: [{ id: "third-party", name: "Third-party services" }],
      components: [
        { id: "lms", name: "Learning platform", group: "third-party" },
        { id: "app", name: "App" },
      ],
      monitors: [
        {
          id: "instructure",
          kind: "statuspage",
          url: providerUrl(name),
          providerComponents: ["Canvas"],
          components: ["lms"],
          intervalSeconds: 3600,
          timeoutMs: 1_000,
        },
      ],
    }),
  );
  await kick();
}

const read = () => runGroup("instructure");

/** The provider block of a component page (the section this feature adds), so other text cannot satisfy a check. */
function providerBlock(html: string): string {
  const block = html.match(/<section class="provider"[\s\S]*?<\/section>/)?.[0];
  expect(block, "the component page has a provider block").toBeDefined();
  return block ?? "";
}

/** The front page's row of one component. */
function row(html: string, componentId: string): string {
  const at = html.indexOf(`href="/components/${componentId}"`);
  expect(at, `row of ${componentId}`).toBeGreaterThan(-1);
  return html.slice(at, html.indexOf("</li>", at));
}

pinFlagsForFile({ probing: true });

describe("a third-party component", () => {
  it("shows the provider's page, its open incident, the latest update and a link to it", async () => {
    await provider("incident", "incident");
    await follow("incident");
    await read();

    const block = providerBlock(await page("/components/lms"));
    expect(block).toContain(`Status from <a href="https://status.instructure.com/">Instructure&#39;s status page</a>`);
    // The sample's incident, its latest update's words and status, linked by its shortlink.
    expect(block).toContain(
      `<a href="https://stspg.io/0vf16sb2j8xn">Amazon Web Services (AWS) is currently experiencing an outage`,
    );
    expect(block).toContain("We are actively working towards recovery.");
    expect(block).toMatch(/\(Identified, <time datetime="[^"]+Z">/);
    expect(block).not.toContain("unavailable since");
    // The status shown is the provider's, stated as it stated it.
    expect(await page("/components/lms")).toContain("Partial outage");

    // The front page says whose status the row is, and nothing of the kind on a component of your own.
    const front = await page("/");
    expect(row(front, "lms")).toContain("via Instructure&#39;s status page");
    expect(row(front, "app")).not.toContain("status page");
    // It sits in the group the config gives it.
    expect(front).toContain("Third-party services");

    await provider("incident", "resolved");
    await read();
    const after = providerBlock(await page("/components/lms"));
    expect(after).not.toContain("stspg.io");
    expect(after).toContain("No open incidents on Instructure&#39;s status page.");
  });

  it("says since when the provider's page cannot be read, and why, keeping the last status it stated", async () => {
    await provider("down", "incident");
    await follow("down");
    await read();
    expect(providerBlock(await page("/components/lms"))).not.toContain("unavailable since");

    await provider("down", "down");
    await read();
    const html = await page("/components/lms");
    const block = providerBlock(html);
    expect(block).toMatch(
      /Status of Instructure unavailable since <time datetime="[^"]+Z">[^<]+<\/time> \(the page answered 503\)\. The status shown is the last one it stated\./,
    );
    // Unknown is not down, and not operational either: the last stated status stays, with its incident.
    expect(html).toContain("Partial outage");
    expect(block).toContain("stspg.io/0vf16sb2j8xn");
    expect(row(await page("/"), "lms")).toMatch(/Status of Instructure unavailable since <time datetime="[^"]+Z">/);

    await provider("down", "operational");
    await read();
    expect(providerBlock(await page("/components/lms"))).not.toContain("unavailable since");
    expect(row(await page("/"), "lms")).toContain("via Instructure&#39;s status page");
  });

  it("shows a hostile provider's markup as text and never links to a javascript: URL", async () => {
    await provider("hostile", "hostile");
    await follow("hostile");
    await read();

    for (const path of ["/components/lms", "/"]) {
      const html = await page(path);
      // No element the provider wrote exists on the page; its words are there as text.
      expect(html, path).not.toMatch(/<(b|script|img) id="injected-/);
      expect(html, path).toContain("&lt;b id=&quot;injected-name&quot;&gt;Evil&lt;/b&gt; &amp; Co");
      expect(html.toLowerCase(), path).not.toContain("javascript:");
      expect(html, path).not.toMatch(/href="(?!https?:\/\/|\/|#)/);
    }
    const block = providerBlock(await page("/components/lms"));
    expect(block).toContain("&lt;script id=&quot;injected-title&quot;&gt;alert(1)&lt;/script&gt;Outage");
    expect(block).toContain("&lt;img id=&quot;injected-body&quot; src=x onerror=&quot;alert(2)&quot;&gt;");
    // The incident's title is shown, but not as a link: its only link was javascript:.
    expect(block).toMatch(/<strong>&lt;script id=&quot;injected-title&quot;/);
    // The provider's own page link is refused too; the configured page stands in for it.
    expect(block).toContain(`Status from <a href="${providerUrl("hostile")}">`);
  });
});
