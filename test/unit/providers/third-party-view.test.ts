import { describe, expect, it } from "vitest";
import type { ProviderObservation } from "../../../worker/core/providers/provider-observation.ts";
import { thirdPartyView, webLink } from "../../../worker/core/providers/third-party-view.ts";

const followed = { monitorName: null, url: "https://www.githubstatus.com/api/v2/summary.json" };

function observation(overrides: Partial<ProviderObservation> = {}): ProviderObservation {
  return {
    name: "GitHub",
    pageUrl: "https://www.githubstatus.com",
    status: "partial_outage",
    lastKnown: "partial_outage",
    unavailableSince: null,
    problem: null,
    incidents: [
      {
        id: "x1",
        name: "Delayed webhooks",
        status: "identified",
        impact: "minor",
        url: "https://stspg.io/abc",
        latestUpdate: { body: "Fix rolling out.", status: "identified", at: "2026-12-06T04:00:00Z" },
      },
    ],
    ...overrides,
  };
}

describe("links a provider states", () => {
  it("keep only absolute http(s) URLs", () => {
    expect(webLink("https://stspg.io/abc")).toBe("https://stspg.io/abc");
    expect(webLink("http://status.example.com/incidents/1")).toBe("http://status.example.com/incidents/1");
    for (const hostile of [
      "javascript:alert(1)",
      " JavaScript:alert(1)",
      "data:text/html,<script>alert(1)</script>",
      "vbscript:msgbox(1)",
      "//evil.example/x",
      "/incidents/1",
      "ftp://files.example.com",
      "",
      null,
      undefined,
    ]) {
      expect(webLink(hostile), String(hostile)).toBeNull();
    }
  });
});

describe("a third-party component's view of its provider", () => {
  it("carries the provider's name, page, incidents with their link, and no unavailability while the page reads", () => {
    const view = thirdPartyView(observation(), followed);
    expect(view.name).toBe("GitHub");
    expect(view.pageUrl).toBe("https://www.githubstatus.com/");
    expect(view.unavailableSince).toBeNull();
    expect(view.incidents).toEqual([
      {
        name: "Delayed webhooks",
        status: "identified",
        url: "https://stspg.io/abc",
        latestUpdate: { body: "Fix rolling out.", status: "identified", at: "2026-12-06T04:00:00Z" },
      },
    ]);
  });

  it("says since when the page cannot be read, as an instant", () => {
    const since = Date.parse("2026-12-06T03:59:00Z");
    const view = thirdPartyView(
      observation({ status: "unknown", unavailableSince: since, problem: "the page answered 503" }),
      followed,
    );
    expect(view.status).toBe("unknown");
    expect(view.unavailableSince).toBe("2026-12-06T03:59:00.000Z");
    expect(view.problem).toBe("the page answered 503");
  });

  it("drops links that are not http(s), falling back to the configured page for the provider's own", () => {
    const base = observation();
    const view = thirdPartyView(
      {
        ...base,
        pageUrl: "javascript:alert(1)",
        incidents: base.incidents.map((incident) => ({ ...incident, url: "javascript:alert(2)" })),
      },
      followed,
    );
    expect(view.pageUrl).toBe("https://www.githubstatus.com");
    expect(view.incidents[0]?.url).toBeNull();
    expect(view.incidents[0]?.name).toBe("Delayed webhooks");
  });

  it("before the page was ever read, is named after the monitor or the page's host and is unknown", () => {
    expect(thirdPartyView(null, followed)).toMatchObject({
      name: "www.githubstatus.com",
      status: "unknown",
      incidents: [],
      pageUrl: "https://www.githubstatus.com",
    });
    expect(thirdPartyView(null, { ...followed, monitorName: "GitHub status" }).name).toBe("GitHub status");
    // A blank name on the page is no name.
    expect(thirdPartyView(observation({ name: "  " }), followed).name).toBe("www.githubstatus.com");
  });
});
