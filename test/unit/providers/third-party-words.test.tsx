import { describe, expect, it } from "vitest";
import type { ProviderObservation } from "../../../worker/core/providers/provider-observation.ts";
import { thirdPartyView } from "../../../worker/core/providers/third-party-view.ts";
import { ProviderBlock, ProviderNote } from "../../../worker/views/third-party.tsx";

/** What the pages say of a provider whose page cannot be read: the last status it stated, or that it stated none. */

const followed = { monitorName: null, url: "https://status.example.com" };
const unreadable = (lastKnown: ProviderObservation["lastKnown"]): ProviderObservation => ({
  name: "Example",
  pageUrl: "https://status.example.com",
  status: "unknown",
  lastKnown,
  unavailableSince: Date.parse("2026-12-06T03:59:00Z"),
  problem: "the page answered 503",
  incidents: [],
});

const html = (node: unknown) => String(node);

describe("a provider whose page cannot be read", () => {
  it("shows the last status it stated, saying so", () => {
    const provider = thirdPartyView(unreadable("partial_outage"), followed);
    expect(html(<ProviderNote provider={provider} timeZone="Etc/UTC" />)).toContain(
      "showing the last status it stated",
    );
    expect(html(<ProviderBlock provider={provider} timeZone="Etc/UTC" />)).toContain(
      "The status shown is the last one it stated.",
    );
  });

  it("never claims a status it never stated", () => {
    const provider = thirdPartyView(unreadable(null), followed);
    const note = html(<ProviderNote provider={provider} timeZone="Etc/UTC" />);
    const block = html(<ProviderBlock provider={provider} timeZone="Etc/UTC" />);
    expect(note).toContain("no status read from it yet");
    expect(block).toContain("No status has been read from it yet");
    expect(`${note}${block}`).not.toContain("last status it stated");
    expect(block).not.toContain("last one it stated");
  });
});
