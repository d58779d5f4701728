import { describe, expect, it } from "vitest";
import { defineConfig, type LookoutConfigInput } from "../../worker/config/define-config.ts";
import { secretsOf } from "../../worker/core/alerting/channels.ts";
import { problemsOf } from "../helpers/config-problems.ts";

const base: LookoutConfigInput = {
  page: { name: "Example", url: "https://status.example.com" },
  components: [{ id: "api", name: "API" }],
  monitors: [{ id: "api", url: "https://api.example.com/healthCheck", components: ["api"] }],
};

const alerting: NonNullable<LookoutConfigInput["alerting"]> = {
  channels: [
    { id: "slack", kind: "slack", urlSecret: "SLACK_ONCALL_URL" },
    { id: "pd", kind: "pagerduty", routingKeySecret: "PD_ROUTING_KEY" },
    { id: "mail", kind: "email", to: "oncall@example.com" },
  ],
  policies: [
    {
      id: "default",
      steps: [{ channels: ["slack", "mail"] }, { afterMinutes: 5, channels: ["pd"] }],
      repeatEveryMinutes: 10,
    },
  ],
  routes: [{ policy: "default", kinds: ["monitor_down"], monitors: ["api"], components: ["api"] }],
};

describe("the alerting section of the config", () => {
  it("is optional and empty by default", () => {
    expect(defineConfig(base).alerting).toEqual({ channels: [], policies: [], routes: [] });
  });

  it("accepts channels, policies and routes, filling each default", () => {
    const config = defineConfig({ ...base, alerting });
    const [slack, pd] = config.alerting.channels;
    expect(slack).toMatchObject({ kind: "slack", groupSeconds: 30 });
    expect(pd).toMatchObject({ kind: "pagerduty", apiBase: "https://events.pagerduty.com" });
    expect(config.alerting.policies[0]?.steps[0]?.afterMinutes).toBe(0);
  });

  it("names the secrets a channel reads, never their values", () => {
    const config = defineConfig({ ...base, alerting });
    expect(config.alerting.channels.map(secretsOf)).toEqual([["SLACK_ONCALL_URL"], ["PD_ROUTING_KEY"], []]);
  });

  it.each([
    [
      { channels: [{ id: "slack", kind: "slack", urlSecret: "https://hooks.slack.com/services/T/B/x" }] },
      "alerting.channels[0].urlSecret: must be the NAME of a secret",
    ],
    [{ channels: [{ id: "x", kind: "carrier-pigeon", urlSecret: "X" }] }, "alerting.channels[0].kind"],
    [
      { channels: [{ id: "mail", kind: "email", to: "not an address" }] },
      "alerting.channels[0].to: must be an email address",
    ],
    [
      { ...alerting, channels: [...(alerting.channels ?? []), { id: "slack", kind: "discord", urlSecret: "D" }] },
      'alerting.channels[3].id: duplicate channel id "slack"',
    ],
    [
      { ...alerting, policies: [{ id: "p", steps: [{ channels: ["nowhere"] }] }], routes: [] },
      'alerting.policies[0].steps[0].channels[0]: unknown channel "nowhere"',
    ],
    [
      {
        ...alerting,
        policies: [
          {
            id: "p",
            steps: [
              { afterMinutes: 10, channels: ["slack"] },
              { afterMinutes: 5, channels: ["pd"] },
            ],
          },
        ],
        routes: [],
      },
      "alerting.policies[0].steps[1].afterMinutes: steps must come in order",
    ],
    [{ ...alerting, routes: [{ policy: "ghost" }] }, 'alerting.routes[0].policy: unknown policy "ghost"'],
    [
      { ...alerting, routes: [{ policy: "default", monitors: ["nope"] }] },
      'alerting.routes[0].monitors[0]: unknown monitor "nope"',
    ],
    [
      { ...alerting, routes: [{ policy: "default", components: ["nope"] }] },
      'alerting.routes[0].components[0]: unknown component "nope"',
    ],
    [{ ...alerting, routes: [{ policy: "default", kinds: ["everything"] }] }, "alerting.routes[0].kinds[0]"],
    [{ ...alerting, routes: [{ policy: "default", severities: ["high"] }] }, "alerting.routes[0].severities[0]"],
  ])("refuses %j", (section, expected) => {
    expect(problemsOf({ ...base, alerting: section }).join("\n")).toContain(expected);
  });
});
