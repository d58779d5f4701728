import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { XMLValidator } from "fast-xml-parser";
import { parseAtomFeed, parseRssFeed } from "feedsmith";
import { beforeAll, describe, expect, it } from "vitest";
import type { StatusPage } from "../../durable-objects/status-page/status-page.ts";
import { createApp } from "../../worker/app.tsx";
import { api } from "../helpers/workers/api.ts";
import { fetchWorker, pageObject } from "../helpers/workers/worker.ts";

const app = createApp({ freshMs: 0, maxStaleMs: 0, sharedCache: () => null });
const get = (path: string) => app.request(`https://status.test${path}`, {}, env);

/** What a communicator might type, and what a feed must carry through unharmed. */
const HOSTILE = `Checkout & "payments" <script>alert(1)</script> ]]> \u0001 ünïcödé 🚨`;
const ids = { hostile: "", search: "", internal: "", maintenance: "" };

/** A setup request that must succeed: a refused one would leave the feeds below checking an emptier page. */
// biome-ignore lint/suspicious/noExplicitAny: setup answers are read field by field.
async function made(method: string, path: string, options: Parameters<typeof api>[2] = {}): Promise<any> {
  const response = await api(method, path, options);
  expect(response.status, `${method} ${path}: ${JSON.stringify(response.body)}`).toBeLessThan(300);
  return response.body;
}

beforeAll(async () => {
  const hostile = await made("POST", "/incidents", {
    body: {
      name: HOSTILE,
      message: "First line\nsecond line <b>not bold</b>",
      components: { billing: "major_outage" },
    },
  });
  ids.hostile = hostile.id;
  await made("POST", `/incidents/${ids.hostile}/updates`, {
    body: { status: "resolved", message: "Fixed & verified." },
  });
  await made("PUT", `/incidents/${ids.hostile}/report`, {
    headers: { "if-match": "*" },
    body: { summary: "A **bad** deploy.", whoWasAffected: "w", whatHappened: "h", prevention: "p" },
  });
  await made("POST", `/incidents/${ids.hostile}/report/publish`);
  ids.search = (
    await made("POST", "/incidents", {
      body: { name: "Slow search", message: "m", components: { search: "degraded_performance" } },
    })
  ).id;
  ids.internal = (
    await made("POST", "/incidents", { body: { name: "Hidden drill", message: "m", visibility: "internal" } })
  ).id;
  ids.maintenance = (
    await made("POST", "/maintenances", {
      body: {
        name: "Search reindex",
        message: "Reindexing.",
        scheduledFor: new Date(Date.now() + 3_600_000).toISOString(),
        scheduledUntil: new Date(Date.now() + 7_200_000).toISOString(),
        components: ["search"],
      },
    })
  ).id;
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
    expect(hostile?.guid?.value).toBe(`https://status.acme.example/incidents/${ids.hostile}`);
    const html = hostile?.description ?? "";
    expect(html.indexOf("Resolved")).toBeLessThan(html.indexOf("Investigating"));
    expect(html).toContain("&lt;b&gt;not bold&lt;/b&gt;");
    expect(html).toContain("Post-incident report");
    expect(html).toContain("<strong>bad</strong>");
    expect(html).not.toContain("<script>");
    expect(Date.parse(hostile?.pubDate ?? "")).toBeGreaterThan(Date.now() - 3_600_000);
    expect(xml).not.toContain("Hidden drill");
  });

  it("serves valid Atom with Statuspage's entry ids", async () => {
    const response = await get("/history.atom");
    expect(response.headers.get("content-type")).toBe("application/atom+xml; charset=utf-8");
    const xml = await response.text();
    expect(XMLValidator.validate(xml)).toBe(true);
    const feed = parseAtomFeed(xml);
    const entries = feed.entries ?? [];
    expect(entries.map((e) => e.id)).toEqual([
      `tag:status.acme.example,2005:Incident/${ids.maintenance}`,
      `tag:status.acme.example,2005:Incident/${ids.search}`,
      `tag:status.acme.example,2005:Incident/${ids.hostile}`,
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

describe("feeds shaped like Statuspage's", () => {
  const v2Incident = async (id: string) => {
    const { incidents } = (await (await get("/api/v2/incidents.json")).json()) as {
      incidents: { id: string; created_at: string; incident_updates: { display_at: string }[] }[];
    };
    const incident = incidents.find((i) => i.id === id);
    if (!incident) throw new Error(`incident ${id} is not in incidents.json`);
    return incident;
  };
  const rssItem = async (path: string, id: string) =>
    (parseRssFeed(await (await get(path)).text()).items ?? []).find((i) => i.link?.endsWith(`/incidents/${id}`));
  const atomEntry = async (path: string, id: string) =>
    (parseAtomFeed(await (await get(path)).text()).entries ?? []).find((e) => e.id?.endsWith(`Incident/${id}`));

  it("dates an item by its latest update: RSS pubDate and Atom published/updated move when an update is posted", async () => {
    const id = (
      await api("POST", "/incidents", {
        body: { name: "Dates move", message: "Looking.", components: { auth: "partial_outage" } },
      })
    ).body.id;
    const before = (await rssItem("/history.rss", id))?.pubDate;
    expect(before).toBeDefined();
    // RSS dates have whole seconds: post the update in a later second than the incident's creation.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await api("POST", `/incidents/${id}/updates`, { body: { status: "identified", message: "Found it." } });
    const incident = await v2Incident(id);
    const latest = incident.incident_updates[0]?.display_at ?? "";
    expect(Date.parse(latest)).toBeGreaterThan(Date.parse(incident.created_at));

    const item = await rssItem("/history.rss", id);
    expect(item?.pubDate).toBe(new Date(latest).toUTCString());
    expect(item?.pubDate).not.toBe(before);
    const entry = await atomEntry("/history.atom", id);
    expect(entry?.published).toBe(latest);
    expect(entry?.updated).toBe(latest);
    expect((await rssItem("/components/auth/history.rss", id))?.pubDate).toBe(new Date(latest).toUTCString());
  });

  it("shapes items like Statuspage's: guid is the incident's address, a paragraph per update, 'Update' when the status holds", async () => {
    const id = (await api("POST", "/incidents", { body: { name: "Shape", message: "First look." } })).body.id;
    await api("POST", `/incidents/${id}/updates`, { body: { status: "investigating", message: "Still looking." } });
    await api("POST", `/incidents/${id}/updates`, { body: { status: "resolved", message: "Fixed & done." } });

    const rss = parseRssFeed(await (await get("/history.rss")).text());
    expect(rss.title).toBe("Acme Cloud Status - Incident History");
    const item = (rss.items ?? []).find((i) => i.link?.endsWith(`/incidents/${id}`));
    expect(item?.guid?.value).toBe(`https://status.acme.example/incidents/${id}`);
    expect(item?.guid?.isPermaLink).not.toBe(false);
    const html = item?.description ?? "";
    const paragraphs = [...html.matchAll(/<p><small>([^<]+)<\/small><br><strong>([^<]+)<\/strong> - ([^<]*)<\/p>/g)];
    expect(paragraphs.map((m) => [m[2], m[3]])).toEqual([
      ["Resolved", "Fixed &amp; done."],
      ["Update", "Still looking."],
      ["Investigating", "First look."],
    ]);
    expect(html.startsWith("<p><small>")).toBe(true);

    const maintenance = (rss.items ?? []).find((i) => i.link?.includes("/maintenances/"));
    expect(maintenance?.title).toBe("Search reindex");

    const atom = parseAtomFeed(await (await get("/history.atom")).text());
    expect(atom.title?.value).toBe("Acme Cloud Status - Incident History");
    const entry = (atom.entries ?? []).find((e) => e.links?.some((l) => l.href?.endsWith(`/incidents/${id}`)));
    expect(entry?.id).toBe(`tag:status.acme.example,2005:Incident/${id}`);
    expect(entry?.content?.value).toBe(html);
  });

  it("a component's feed is complete: its old incident still shows under 60 newer incidents of other components", async () => {
    const old = (
      await api("POST", "/incidents", {
        body: {
          name: "Old Slack trouble",
          message: "Slack messages are late.",
          components: { slack: "partial_outage" },
        },
      })
    ).body.id;
    await api("POST", `/incidents/${old}/updates`, { body: { status: "resolved", message: "Delivered again." } });
    for (let i = 0; i < 60; i++) {
      const created = await api("POST", "/incidents", {
        body: {
          name: `Website blip ${i}`,
          message: "Brief.",
          status: "resolved",
          components: { website: "major_outage" },
        },
      });
      expect(created.status).toBe(201);
    }
    const whole = parseRssFeed(await (await get("/history.rss")).text()).items ?? [];
    expect(whole.some((i) => i.link?.endsWith(`/incidents/${old}`))).toBe(false);
    expect((await rssItem("/components/slack/history.rss", old))?.title).toBe("Old Slack trouble");
    expect(await atomEntry("/components/slack/history.atom", old)).toBeDefined();
    const website = parseRssFeed(await (await get("/components/website/history.rss")).text()).items ?? [];
    expect(website).toHaveLength(50);
  });
});

describe("internal incidents and maintenances", () => {
  it("are in no component's feed or page, where a public one of the same component is", async () => {
    // An internal maintenance may name components (it moves no public status); an internal incident may not
    // through the API, so one is tied to the component the way an imported page could hold it.
    const internalWindow = await made("POST", "/maintenances", {
      body: {
        name: "Quiet reindex 5e1c",
        message: "Internal work.",
        scheduledFor: new Date(Date.now() - 600_000).toISOString(),
        scheduledUntil: new Date(Date.now() + 3_600_000).toISOString(),
        components: ["search"],
        visibility: "internal",
      },
    });
    expect(internalWindow.visibility).toBe("internal");
    await runInDurableObject(pageObject(), (_: StatusPage, state) => {
      state.storage.sql.exec(
        `INSERT INTO incident_components (incident_id, component_id) VALUES (?, 'search')`,
        ids.internal,
      );
    });
    const surfaces = ["/components/search", "/components/search/history.rss", "/components/search/history.atom"];
    for (const path of surfaces) {
      const response = await get(path);
      expect(response.status, path).toBe(200);
      const text = await response.text();
      // The public incident of the same component is there, so the absence below is not an empty page's.
      expect(text, path).toContain(path.endsWith("search") ? "Slow search" : `/incidents/${ids.search}`);
      for (const hidden of ["Hidden drill", "Quiet reindex 5e1c", ids.internal, internalWindow.id]) {
        expect(text, `${path} shows ${hidden}`).not.toContain(hidden);
      }
    }
    // Neither has a page of its own.
    for (const path of [`/incidents/${ids.internal}`, `/maintenances/${internalWindow.id}`]) {
      expect((await get(path)).status, path).toBe(404);
    }
  });
});
