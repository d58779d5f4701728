import { describe, expect, it } from "vitest";
import { applyChannels, insertAlert, rowsOf } from "../../helpers/workers/alert-rows.ts";
import { api } from "../../helpers/workers/api.ts";
import { signedIn, signedInAs } from "../../helpers/workers/console.ts";
import { auditFor } from "../../helpers/workers/console-api.ts";

// The first page a file asks for wakes the page object and renders cold: seconds on a busy machine.
describe("console alerts and channels", { timeout: 20_000 }, () => {
  it("acknowledges an alert, tests, holds and lifts a channel, each audited under the person", async () => {
    await applyChannels([{ id: "ops-slack", kind: "slack", name: "#ops", urlSecret: "OPS_SLACK_URL" }]);
    const id = await insertAlert({ title: "Checkout is down" });
    const browser = await signedIn(undefined, "Ada Lovelace");
    const page = await (await browser.get("/console/alerts")).text();
    expect(page).toContain('href="/console/alerts"');
    expect(page).toContain("Checkout is down");
    expect(page).toContain("cannot send: missing OPS_SLACK_URL");
    expect(page).toContain("wrangler secret put");

    const ack = await browser.post(`/console/alerts/${id}/ack`, {});
    expect(ack.status).toBe(303);
    expect(ack.headers.get("location")).toBe("/console/alerts?notice=alert-acked");
    expect((await api("GET", `/alerts/${id}`)).body).toMatchObject({
      status: "acknowledged",
      acknowledgedBy: "Ada Lovelace (bootstrap token)",
    });
    expect(await (await browser.get("/console/alerts")).text()).toContain(
      "Acknowledged by Ada Lovelace (bootstrap token)",
    );

    expect((await browser.post("/console/alerts/channels/ops-slack/test", {})).headers.get("location")).toBe(
      "/console/alerts?notice=channel-tested",
    );
    expect((await browser.post("/console/alerts/channels/ops-slack/hold", {})).status).toBe(303);
    const held = await (await browser.get("/console/alerts")).text();
    expect(held).toContain('action="/console/alerts/channels/ops-slack/lift"');
    expect((await browser.post("/console/alerts/channels/ops-slack/lift", { pending: "drop" })).status).toBe(303);
    const lines = await auditFor("ops-slack");
    expect(lines.map((line) => line.action)).toEqual(["hold.lift", "hold.channel", "alert_channel.test"]);
    expect(lines.every((line) => line.actor.name === "Ada Lovelace (bootstrap token)")).toBe(true);
  });

  it("names the field of a bad lift (400) and answers an unknown channel with 404, nothing written", async () => {
    await applyChannels([{ id: "bad-slack", kind: "slack", urlSecret: "BAD_SLACK_URL" }]);
    const browser = await signedIn();
    await browser.get("/console/alerts");
    await browser.post("/console/alerts/channels/bad-slack/hold", {});
    const bad = await browser.post("/console/alerts/channels/bad-slack/lift", { pending: "later" });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("<code>pending</code>");
    const unknown = await browser.post("/console/alerts/channels/no-such/test", {});
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain("there is no alert channel");
    expect((await auditFor("bad-slack")).map((line) => line.action)).toEqual(["hold.channel"]);
  });

  it("shows a viewer alerts and channels without a button, and the API refuses a forced acknowledgement or test", async () => {
    await applyChannels([{ id: "view-slack", kind: "slack", urlSecret: "VIEW_SLACK_URL" }]);
    const id = await insertAlert({ title: "Viewer sees this" });
    const browser = await signedInAs("viewer", "Grace Hopper");
    const page = await (await browser.get("/console/alerts")).text();
    expect(page).toContain("Viewer sees this");
    expect(page).not.toContain("/ack");
    expect(page).not.toContain("/console/alerts/channels/view-slack/");
    expect((await browser.post(`/console/alerts/${id}/ack`, {})).status).toBe(403);
    expect((await browser.post("/console/alerts/channels/view-slack/test", {})).status).toBe(403);
    expect((await browser.post("/console/alerts/channels/view-slack/hold", {})).status).toBe(403);
    expect((await api("GET", `/alerts/${id}`)).body.status).toBe("open");
    expect(await auditFor("view-slack")).toEqual([]);
    expect((await rowsOf("outbox", "seq")).filter((row) => row.recipient === "view-slack")).toEqual([]);
  });

  it("refuses a post without this browser's CSRF value, writing nothing", async () => {
    const id = await insertAlert({ title: "Forged" });
    const browser = await signedIn();
    await browser.get("/console/alerts");
    expect((await browser.post(`/console/alerts/${id}/ack`, { _csrf: "" })).status).toBe(403);
    expect((await api("GET", `/alerts/${id}`)).body.status).toBe("open");
  });
});
