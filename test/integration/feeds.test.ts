import { env } from "cloudflare:workers";
import { XMLValidator } from "fast-xml-parser";
import { parseAtomFeed, parseRssFeed } from "feedsmith";
import { beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../worker/app.tsx";
import { api } from "../helpers/workers/api.ts";
import { fetchWorker } from "../helpers/workers/worker.ts";

const app = createApp({ freshMs: 0, maxStaleMs: 0, sharedCache: () => null });
const get = (path: string) => app.request(`https://status.test${path}`, {}, env);

/** What a communicator might type, and what a feed must carry through unharmed. */
const HOSTILE = `Checkout & "payments" <script>alert(1)</script> ]]> \u0001 ünïcödé 🚨`;
const ids = { hostile: "", search: "", internal: "", maintenance: "" };

beforeAll(async () => {
  const hostile = await api("POST", "/incidents", {
    body: {
      name: HOSTILE,
      message: "First line\nsecond line <b>not bold</b>",
      components: { billing: "major_outage" },
    },
  });
  ids.hostile = hostile.body.id;
  await api("POST", `/incidents/${ids.hostile}/updates`, {
    body: { status: "resolved", message: "Fixed & verified." },
  });
  const report = await api("GET", `/incidents/${ids.hostile}/report`);
  await api("PUT", `/incidents/${ids.hostile}/report`, {
    headers: { "if-match": report.headers.get("etag") ?? "" },
    body: { summary: "A **bad** deploy.", whoWasAffected: "w", whatHappened: "h", prevention: "p" },
  });
  await api("POST", `/incidents/${ids.hostile}/report/publish`);
  ids.search = (
    await api("POST", "/incidents", {
      body: { name: "Slow search", message: "m", components: { search: "degraded_performance" } },
    })
  ).body.id;
  ids.internal = (
    await api("POST", "/incidents", { body: { name: "Hidden drill", message: "m", visibility: "internal" } })
  ).body.id;
  ids.maintenance = (
    await api("POST", "/maintenances", {
      body: {
        name: "Search reindex",
        message: "Reindexing.",
        scheduledFor: new Date(Date.now() + 3_600_000).toISOString(),
        scheduledUntil: new Date(Date.now() + 7_200_000).toISOString(),
        components: ["search"],
      },
    })
  ).body.id;
});

describe("RSS and Atom feeds", () => {
  it("serves valid RSS 2.0 that a feed parser reads, newest first, with stable ids and exact text", async () => {
    const response = await get("/history.rss");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/rss+xml; charset=utf-8");
    const xml = await response.text();
    expect(XMLValidator.validate(xml)).toBe(true);
    const feed = parseRssFeed(xml);
    const items = feed.items ?? [];
    expect(items.map((i) => i.link)).toEqual([
      `https://status.test/maintenances/${ids.maintenance}`,
      `https://status.test/incidents/${ids.search}`,
      `https://status.test/incidents/${ids.hostile}`,
    ]);
    const hostile = items[2];
    // What was typed comes back exactly, minus the one control character XML cannot hold.
    expect(hostile?.title).toBe(HOSTILE.replace("\u0001", ""));
    expect(hostile?.guid?.value).toBe(`tag:status.acme.example,2026:incident/${ids.hostile}`);
    const html = hostile?.description ?? "";
    expect(html.indexOf("Resolved")).toBeLessThan(html.indexOf("Investigating"));
    expect(html).toContain("&lt;b&gt;not bold&lt;/b&gt;");
    expect(html).toContain("Post-incident report");
    expect(html).toContain("<strong>bad</strong>");
    expect(html).not.toContain("<script>");
    expect(Date.parse(hostile?.pubDate ?? "")).toBeGreaterThan(Date.now() - 3_600_000);
    expect(xml).not.toContain("Hidden drill");
  });

  it("serves valid Atom whose entry ids match the RSS guids", async () => {
    const response = await get("/history.atom");
    expect(response.headers.get("content-type")).toBe("application/atom+xml; charset=utf-8");
    const xml = await response.text();
    expect(XMLValidator.validate(xml)).toBe(true);
    const feed = parseAtomFeed(xml);
    const entries = feed.entries ?? [];
    expect(entries.map((e) => e.id)).toEqual([
      `tag:status.acme.example,2026:maintenance/${ids.maintenance}`,
      `tag:status.acme.example,2026:incident/${ids.search}`,
      `tag:status.acme.example,2026:incident/${ids.hostile}`,
    ]);
    for (const entry of entries) {
      expect(Date.parse(entry.updated ?? "")).toBeGreaterThanOrEqual(Date.parse(entry.published ?? ""));
    }
    expect(feed.links?.find((l) => l.rel === "self")?.href).toBe("https://status.test/history.atom");
    expect(xml).not.toContain("Hidden drill");
  });

  it("narrows to one component, and answers an unknown one with 404", async () => {
    const xml = await (await get("/components/search/history.rss")).text();
    const links = (parseRssFeed(xml).items ?? []).map((i) => i.link);
    expect(links).toEqual([
      `https://status.test/maintenances/${ids.maintenance}`,
      `https://status.test/incidents/${ids.search}`,
    ]);
    expect((await get("/components/ghost/history.atom")).status).toBe(404);
  });

  it("is found from the page and cached like it", async () => {
    const page = await (await get("/")).text();
    expect(page).toContain('<link rel="alternate" type="application/rss+xml"');
    expect(page).toContain('href="/history.atom"');
    await fetchWorker("/history.rss");
    expect((await fetchWorker("/history.rss")).headers.get("x-lookout-cache")).toBe("HIT");
  });
});
