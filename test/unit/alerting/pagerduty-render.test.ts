import { describe, expect, it } from "vitest";
import { pagerdutyEvent } from "../../../worker/core/alerting/providers/pagerduty.ts";
import { message } from "../../helpers/alert-notices.ts";

const KEY = "R0UT1NGk3ys3cr3t0123456789abcdef";

describe("PagerDuty event", () => {
  it("triggers with the thread as dedup_key, the worst severity and the notice's facts", () => {
    const event = pagerdutyEvent(KEY, message(3));
    expect(event).toMatchObject({
      event_action: "trigger",
      dedup_key: "thr_01JEXAMPLE",
      payload: {
        summary: "3 alerts on Acme Status: 3 firing. Worst: Service 0 is down",
        source: "status.acme.example",
        severity: "critical",
        timestamp: "2026-12-05T20:59:30.000Z",
        component: "Service 0",
        class: "monitor_down",
      },
    });
  });

  it("resolves with the same dedup_key when every notice recovered", () => {
    expect(pagerdutyEvent(KEY, message(2, "resolve"))).toEqual({
      routing_key: KEY,
      event_action: "resolve",
      dedup_key: "thr_01JEXAMPLE",
    });
  });

  it("still triggers when a grouped message holds a recovery and something that fires", () => {
    const msg = message(2, "resolve");
    msg.notices.push({ ...(msg.notices[0] as (typeof msg.notices)[0]), notice: "trigger", severity: "warning" });
    const event = pagerdutyEvent(KEY, msg);
    expect(event.event_action).toBe("trigger");
    expect(event.event_action === "trigger" && event.payload.severity).toBe("warning");
  });

  it("links the component and incident, not Lookout's acknowledge link (PagerDuty acknowledges)", () => {
    const event = pagerdutyEvent(KEY, message(1));
    expect(event.event_action === "trigger" && event.links.map((l) => l.text)).toEqual(["Component", "Incident"]);
  });

  it("sends a test as info, which pages nobody on a low-urgency rule", () => {
    const event = pagerdutyEvent(KEY, message(1, "test", { severity: "critical" }));
    expect(event.event_action === "trigger" && event.payload.severity).toBe("info");
  });
});
