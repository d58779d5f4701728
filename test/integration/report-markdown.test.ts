import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../worker/app.tsx";
import { markdownWork } from "../../worker/core/reports/markdown.ts";
import { api } from "../helpers/workers/api.ts";

/** No cache at the edge: every request renders, so only the renderer's own keeping can save work. */
const app = createApp({ freshMs: 0, maxStaleMs: 0, sharedCache: () => null });
const get = (path: string) => app.request(`https://status.test${path}`, {}, env);

const PIXEL = "https://tracker.example/pixel.gif?reader=1";
const unique = crypto.randomUUID();
let incidentId = "";
/** The renderer's work before any reader asked for the report. */
let baseline = markdownWork();

beforeAll(async () => {
  incidentId = (
    await api("POST", "/incidents", {
      body: { name: "Image report", message: "m", components: { search: "degraded_performance" } },
    })
  ).body.id;
  await api("POST", `/incidents/${incidentId}/updates`, { body: { status: "resolved", message: "Fixed." } });
  const report = await api("GET", `/incidents/${incidentId}/report`);
  const put = await api("PUT", `/incidents/${incidentId}/report`, {
    headers: { "if-match": report.headers.get("etag") ?? "" },
    body: {
      summary: `The graph ![p99 latency](${PIXEL}) says it all. ${unique}`,
      whoWasAffected: `Search users. ${unique}`,
      whatHappened: `A **bad** index. ${unique}`,
      prevention: `Alerts. ${unique}`,
    },
  });
  expect(put.status).toBe(200);
  expect((await api("POST", `/incidents/${incidentId}/report/publish`)).status).toBe(200);
  baseline = markdownWork();
});

describe("markdown in published reports", () => {
  it("shows images as links in the page, RSS and Atom: nothing is fetched from elsewhere", async () => {
    const page = await (await get(`/incidents/${incidentId}`)).text();
    expect(page).toContain(`<a href="${PIXEL.replace("&", "&amp;")}" rel="nofollow noopener">p99 latency</a>`);
    expect(page).not.toContain(`src="${PIXEL}`);
    for (const path of ["/history.rss", "/history.atom", "/components/search/history.rss"]) {
      const xml = await (await get(path)).text();
      // The entry's HTML travels escaped inside the XML.
      expect(xml, path).toContain("p99 latency&lt;/a&gt;");
      expect(xml, path).not.toMatch(/&lt;img\b|<img\b/);
    }
  });

  it("renders a report once, not once per page or feed request", async () => {
    const paths = [
      `/incidents/${incidentId}`,
      "/history.rss",
      "/history.atom",
      "/components/search/history.rss",
      "/components/search/history.atom",
    ];
    for (let round = 0; round < 5; round++) {
      for (const path of paths) expect((await get(path)).status).toBe(200);
    }
    // 29 requests here and in the test before, each rendering the page or feed anew: the four parts were rendered once.
    expect(markdownWork().rendered - baseline.rendered).toBe(4);
    expect(markdownWork().parsed - baseline.parsed).toBe(4);
  });
});
