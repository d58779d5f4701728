import { describe, expect, it } from "vitest";
import { defineConfig, type LookoutConfigInput } from "../../../worker/config/define-config.ts";
import { problemsOf } from "../../helpers/config-problems.ts";

/** What lookout.config.ts accepts for providers (statuspage monitors) and dependencies, and what it refuses. */

const base = {
  page: { name: "Example", url: "https://status.example.com" },
  components: [
    { id: "cdn", name: "CDN provider" },
    { id: "api", name: "API" },
    { id: "web", name: "Website" },
  ],
} satisfies LookoutConfigInput;

const statuspage = {
  id: "cdn-status",
  kind: "statuspage",
  url: "https://www.cloudflarestatus.com",
  components: ["cdn"],
};

describe("a statuspage monitor in the config", () => {
  it("reads hourly at most, every minute by default, and mirrors at once", () => {
    const config = defineConfig({ ...base, monitors: [statuspage] });
    const monitor = config.monitors[0];
    if (monitor?.kind !== "statuspage") throw new Error("not a statuspage monitor");
    expect(monitor.intervalSeconds).toBe(60);
    expect(monitor.failuresToDown).toBe(1);
    expect(monitor.successesToUp).toBe(1);
    expect(monitor.timeoutMs).toBe(5_000);
  });

  it.each([
    [{ ...statuspage, intervalSeconds: 30 }, "monitors[0].intervalSeconds: must be at least 60"],
    [{ ...statuspage, url: "ftp://status.example" }, "monitors[0].url: must be an http(s) URL"],
    [{ ...statuspage, regions: ["weur", "enam"] }, "monitors[0].regions: a provider's status page reads the same"],
    [{ ...statuspage, providerComponents: [] }, "monitors[0].providerComponents:"],
    [{ ...statuspage, maxBodyBytes: 10 * 1_048_576 }, "monitors[0].maxBodyBytes:"],
  ])("refuses %j", (monitor, problem) => {
    expect(problemsOf({ ...base, monitors: [monitor] }).join("\n")).toContain(problem);
  });

  it("refuses a second provider for one mirroring component", () => {
    const problems = problemsOf({
      ...base,
      monitors: [statuspage, { ...statuspage, id: "github", url: "https://www.githubstatus.com" }],
    });
    expect(problems.join("\n")).toContain(
      'monitors[1].components[0]: "cdn" already mirrors another statuspage monitor\'s provider',
    );
  });

  it("refuses a public incident for a provider whose components are all hidden: it would name the provider to readers", () => {
    const hidden = {
      ...base,
      components: [{ id: "cdn", name: "CDN provider", hidden: true }, ...base.components.slice(1)],
    };
    expect(problemsOf({ ...hidden, monitors: [{ ...statuspage, incident: "public" }] }).join("\n")).toContain(
      'monitors[0].incident: "public" would name to readers the provider of hidden components only (cdn)',
    );
    // Internal, or with a visible component beside the hidden one, it is accepted.
    expect(defineConfig({ ...hidden, monitors: [{ ...statuspage, incident: "internal" }] }).monitors).toHaveLength(1);
    const both = { ...statuspage, incident: "public", components: ["cdn", "web"] };
    expect(defineConfig({ ...hidden, monitors: [both] }).monitors).toHaveLength(1);
  });

  it("refuses another monitor driving a component that mirrors a provider", () => {
    const problems = problemsOf({
      ...base,
      monitors: [statuspage, { id: "edge", url: "https://edge.example/healthCheck", components: ["api", "cdn"] }],
    });
    expect(problems.join("\n")).toContain(
      'monitors[1].components[1]: "cdn" mirrors a provider\'s status page (a statuspage monitor drives it)',
    );
  });
});

describe("dependencies in the config", () => {
  it("takes a bare id as a critical dependency and an object for a non-critical one", () => {
    const config = defineConfig({
      ...base,
      components: [
        { id: "cdn", name: "CDN" },
        { id: "api", name: "API", dependsOn: ["cdn", { component: "web", critical: false }] },
        { id: "web", name: "Website", dependsOn: [{ component: "cdn" }] },
      ],
    });
    expect(config.components[1]?.dependsOn).toEqual([
      { component: "cdn", critical: true },
      { component: "web", critical: false },
    ]);
    expect(config.components[2]?.dependsOn).toEqual([{ component: "cdn", critical: true }]);
    expect(config.components[0]?.hidden).toBe(false);
  });

  it("refuses a loop, naming its path", () => {
    const problems = problemsOf({
      ...base,
      components: [
        { id: "cdn", name: "CDN", dependsOn: ["web"] },
        { id: "api", name: "API", dependsOn: ["cdn"] },
        { id: "web", name: "Website", dependsOn: ["api"] },
      ],
    });
    expect(problems).toContain("components[0].dependsOn: dependencies must not loop: cdn → web → api → cdn");
  });

  it.each([
    [["ghost"], 'components[1].dependsOn[0]: unknown component "ghost"'],
    [["api"], "components[1].dependsOn[0]: a component cannot depend on itself"],
    [["cdn", "cdn"], 'components[1].dependsOn[1]: lists "cdn" twice'],
  ])("refuses dependsOn %j", (dependsOn, problem) => {
    const components = [base.components[0], { id: "api", name: "API", dependsOn }, base.components[2]];
    expect(problemsOf({ ...base, components })).toContain(problem);
  });
});
