import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { renderRequest } from "../../../worker/core/alerting/providers/index.ts";
import { newWebhookSecret } from "../../../worker/core/webhooks/signing.ts";
import { message } from "../../helpers/alert-notices.ts";

/** The generic webhook as README "Alert payloads" documents it: the JSON, the headers, the signature. */
describe("generic alert webhook", () => {
  const secret = newWebhookSecret();
  const secrets: Record<string, string> = { HOOK_URL: "https://hooks.acme.example/lookout", HOOK_SECRET: secret };
  const channel = {
    id: "bridge",
    kind: "webhook",
    urlSecret: "HOOK_URL",
    signingSecret: "HOOK_SECRET",
    groupSeconds: 30,
  } as const;
  const render = async (msg = message(2)) => {
    const request = await renderRequest(channel, (name) => secrets[name], msg, Date.now());
    if ("missing" in request) throw new Error("missing");
    return request;
  };

  it("posts the documented version 1 payload, verifiable with any Standard Webhooks library", async () => {
    const request = await render();
    expect(request.headers).toMatchObject({ "content-type": "application/json", "user-agent": "Lookout-Alerts/1" });
    const payload = new Webhook(secret).verify(request.body, request.headers) as Record<string, unknown>;
    expect(Object.keys(payload)).toEqual(["type", "version", "page", "channel", "thread", "notices"]);
    expect(payload).toMatchObject({ type: "lookout.alerts", version: 1, channel: "oncall", thread: "thr_01JEXAMPLE" });
    expect(Object.keys((payload.notices as object[])[0] as object)).toEqual([
      "alertId",
      "notice",
      "kind",
      "severity",
      "title",
      "summary",
      "components",
      "regions",
      "openedAt",
      "firstFailingCheckAt",
      "resolvedAt",
      "links",
    ]);
  });

  it("carries the message's id as webhook-id: the same on a retry, another for another message", async () => {
    const [first, again] = [await render(), await render()];
    expect(first.headers["webhook-id"]).toBe("alert_oncall_1");
    expect(again.headers["webhook-id"]).toBe(first.headers["webhook-id"]);
    const other = { ...message(1, "reminder"), id: "alert_oncall_7" };
    expect((await render(other)).headers["webhook-id"]).toBe("alert_oncall_7");
  });
});
