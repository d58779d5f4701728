import { describe, expect, it } from "vitest";
import { slackPayload } from "../../../worker/core/alerting/providers/slack.ts";
import { HOSTILE_TITLE, message } from "../../helpers/alert-notices.ts";

describe("Slack message", () => {
  it("shows one notice: headline, the error in words, facts, and buttons for its links", () => {
    const payload = slackPayload(message(1));
    expect(payload.text).toBe("Critical: Service 0 is down — HTTP 503 from https://svc-0.acme.example/healthCheck");
    const section = JSON.stringify(payload.blocks.find((b) => b.type === "section"));
    for (const words of ["Service 0 is down", "HTTP 503", "Components:", "weur, enam", "First failing check:"]) {
      expect(section).toContain(words);
    }
    const actions = payload.blocks.find((b) => b.type === "actions");
    expect(actions && "elements" in actions && actions.elements.map((e) => e.action_id)).toEqual([
      "acknowledge",
      "component",
      "incident",
    ]);
  });

  it("escapes a hostile title: no channel ping, no link of its own, no extra line", () => {
    const payload = slackPayload(message(1, "trigger", { title: HOSTILE_TITLE }));
    // Slack formats `text` and mrkdwn; a header is plain_text, shown as typed.
    const all = JSON.stringify([payload.text, ...payload.blocks.filter((b) => b.type !== "header")]);
    expect(all).not.toContain("<!channel>");
    expect(all).not.toContain('<a href="https://evil.example">');
    expect(all).toContain("&lt;!channel&gt;");
    const header = payload.blocks[0];
    expect(header?.type === "header" && header.text.text).not.toMatch(/[\r\n]/);
  });

  it("lists what still fires first, worst first, then recoveries", () => {
    const msg = message(4);
    msg.notices[0] = { ...(msg.notices[0] as (typeof msg.notices)[0]), notice: "resolve", severity: "critical" };
    const titles = slackPayload(msg)
      .blocks.filter((b) => b.type === "section")
      .map((b) => (b.type === "section" ? /\*(.+?)\*/.exec(b.text.text)?.[1] : ""));
    // Service 1 error, 2 warning, 3 info still fire; Service 0 recovered.
    expect(titles).toEqual(["Service 1 is down", "Service 2 is down", "Service 3 is down", "Service 0 is down"]);
  });

  it("says how many did not fit", () => {
    const payload = slackPayload(message(500));
    const last = payload.blocks.at(-1);
    const sections = payload.blocks.filter((b) => b.type === "section").length;
    expect(JSON.stringify(last)).toContain(`…and ${500 - sections} more`);
  });
});
