/**
 * The on-call half of an outage, as a newcomer sees it under `npm start` with
 * the example config (lookout.config.ts, `alerting`): a demo service breaks,
 * the team's Slack channel (the local catcher, scripts/alert-catcher.ts) hears
 * of it by name and with the error; nobody acknowledges, so after the
 * policy's next step the pager (a signed generic webhook) hears too; the
 * service is mended and every channel that was alerted hears it recovered.
 * How fast is printed, not asserted (`npm run bench` measures it).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import config from "../../lookout.config.ts";
import type { CaughtAlert } from "../../scripts/alert-catcher.ts";
import { type RunningLookout, startLookout } from "../helpers/node/lookout-process.ts";

const demo = "http://127.0.0.1:8790";
const component = config.components.find((c) => c.id === "api")?.name ?? "REST API";
/** The example policy's second step (the pager), in ms after the alert opened. */
const pagerAfterMs = (config.alerting.policies.find((p) => p.id === "oncall")?.steps[1]?.afterMinutes ?? 2) * 60_000;

let lookout: RunningLookout;

beforeAll(async () => {
  lookout = await startLookout();
});

afterAll(async () => {
  await fetch(`${demo}/fix/api`, { method: "POST" }).catch(() => undefined);
  await lookout?.stop();
});

const caught = async (): Promise<CaughtAlert[]> =>
  (await (await fetch(`${lookout.mailUrl}/alerts.json`)).json()) as CaughtAlert[];

/** Everything a caught message says, in one string. */
const said = (alert: CaughtAlert) => [alert.text, ...alert.lines].join("\n");

/** A generic webhook's notices about the component. */
function notices(
  alert: CaughtAlert,
): { notice: string; title: string; summary: string; components: { name: string }[] }[] {
  const payload = JSON.parse(alert.body) as { notices?: ReturnType<typeof notices> };
  return (payload.notices ?? []).filter((n) => n.components.some((c) => c.name === component));
}

async function waitFor<T>(what: string, timeoutMs: number, find: () => Promise<T | undefined>): Promise<T> {
  const started = Date.now();
  for (;;) {
    const found = await find();
    if (found !== undefined) {
      console.log(`${what} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
      return found;
    }
    if (Date.now() - started > timeoutMs) {
      throw new Error(
        `${what}: nothing within ${timeoutMs / 1000} s\n--- caught ---\n${JSON.stringify(await caught(), null, 1).slice(0, 4000)}\n--- output ---\n${lookout.output().slice(-4000)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

describe("an outage reaching the on-call team under npm start", () => {
  it("alerts Slack with the component and the error, escalates to the pager, and sends the recovery to both", async () => {
    expect((await caught()).filter((a) => said(a).includes(component))).toEqual([]);
    const broke = await fetch(`${demo}/break/api`, { method: "POST" });
    expect(broke.status).toBe(200);

    const slack = (a: CaughtAlert) => a.provider === "slack" && a.name === "oncall" && said(a).includes(component);
    const trigger = await waitFor("the alert in Slack", 120_000, async () => (await caught()).find(slack));
    // The error in words, as the demo target gave it: its HTTP status.
    expect(said(trigger)).toMatch(/503/);
    // And a way to acknowledge it from the message.
    expect(said(trigger)).toMatch(/\/alerts\/[^/\s]+\/ack\/\S+/);

    // Nobody acknowledges: the policy's next step pages, signed.
    const pager = await waitFor("the pager's webhook", pagerAfterMs + 90_000, async () =>
      (await caught()).find((a) => a.provider === "webhook" && a.name === "pager" && notices(a).length > 0),
    );
    expect(pager.verified).toBe(true);
    expect(notices(pager).map((n) => n.notice)).toContain("trigger");
    expect(notices(pager)[0]?.summary).toMatch(/503/);
    const key = (a: CaughtAlert) => `${a.at} ${a.body}`;
    const triggers = new Set((await caught()).filter(slack).map(key));

    await fetch(`${demo}/fix/api`, { method: "POST" });
    const resolvedInSlack = await waitFor("the recovery in Slack", 120_000, async () =>
      (await caught()).find((a) => slack(a) && !triggers.has(key(a)) && /resolved|recovered/i.test(said(a))),
    );
    expect(Date.parse(resolvedInSlack.at)).toBeGreaterThan(Date.parse(pager.at));
    const resolvedAtPager = await waitFor("the recovery at the pager", 60_000, async () =>
      (await caught()).find(
        (a) => a.provider === "webhook" && a.name === "pager" && notices(a).some((n) => n.notice === "resolve"),
      ),
    );
    expect(resolvedAtPager.verified).toBe(true);
    // One trigger per channel for this outage: the alert was not sent twice.
    const slackTriggers = (await caught()).filter((a) => slack(a) && !/resolved|recovered/i.test(said(a)));
    expect(slackTriggers.length).toBe(1);
  }, 420_000);
});
