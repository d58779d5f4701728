import { describe, expect, it } from "vitest";
import shipped from "../../lookout.config.ts";
import { ConfigError, defineConfig, type LookoutConfigInput } from "../../worker/config/define-config.ts";
import { problemsOf } from "../helpers/config-problems.ts";

const valid: LookoutConfigInput = {
  page: { name: "Example", url: "https://status.example.com" },
  groups: [{ id: "core", name: "Core" }],
  components: [
    { id: "api", name: "API", group: "core" },
    { id: "web", name: "Website" },
  ],
};

describe("defineConfig", () => {
  it("accepts a valid config and fills defaults", () => {
    const config = defineConfig(valid);
    expect(config.page.timeZone).toBe("Etc/UTC");
    expect(config.components[0]?.onlyShowIfDegraded).toBe(false);
    expect(config.monitors).toEqual([]);
  });

  it("ships an example of a realistic small company", () => {
    expect(shipped.components.length).toBeGreaterThanOrEqual(10);
    expect(shipped.groups.length).toBeGreaterThanOrEqual(3);
    // Four groups of its own and one for its providers (README "Following providers").
    expect(shipped.groups.length).toBeLessThanOrEqual(5);
    expect(shipped.monitors.filter((m) => m.kind === "statuspage").length).toBeGreaterThanOrEqual(1);
  });

  it.each([
    [{ ...valid, page: { ...valid.page, url: "ftp://x" } }, "page.url: must be an http(s) URL"],
    [{ ...valid, page: { ...valid.page, name: "" } }, "page.name: must not be empty"],
    [{ ...valid, page: { ...valid.page, timeZone: "Mars/Olympus" } }, "page.timeZone: must be an IANA time zone"],
    [{ ...valid, components: [] }, "components: declare at least one component"],
    [{ ...valid, components: [{ id: "API!", name: "x" }] }, "components[0].id: must be lowercase"],
    [{ ...valid, components: [{ id: "api", name: "x", group: "nope" }] }, 'components[0].group: unknown group "nope"'],
    [
      { ...valid, components: [...valid.components, { id: "api", name: "again" }] },
      'components[2].id: duplicate id "api"',
    ],
    [
      { ...valid, groups: [...(valid.groups ?? []), { id: "empty", name: "Empty" }] },
      'groups[1]: group "empty" has no components',
    ],
    [{ ...valid, components: [{ id: "api", name: "x", colour: "red" }] }, "components[0]: Unrecognized key"],
    [
      { ...valid, monitors: [{ id: "m", url: "https://x.example/healthCheck", components: ["ghost"] }] },
      'monitors[0].components[0]: unknown component "ghost"',
    ],
    [
      { ...valid, monitors: [{ id: "m", url: "https://x.example", components: ["api"], intervalSeconds: 5 }] },
      "monitors[0].intervalSeconds: must be at least 10",
    ],
    [
      { ...valid, monitors: [{ id: "m", url: "https://x.example", components: ["api"], body: "{}" }] },
      "monitors[0].body: a GET request has no body",
    ],
    [
      {
        ...valid,
        monitors: [{ id: "m", url: "https://x.example", components: ["api"], method: "HEAD", keyword: "ok" }],
      },
      "monitors[0].method: HEAD returns no body",
    ],
    [
      {
        ...valid,
        monitors: [{ id: "m", url: "https://x.example", components: ["api"], intervalSeconds: 10, timeoutMs: 10_000 }],
      },
      "monitors[0].timeoutMs: must be at most half the interval (5000 ms at intervalSeconds 10)",
    ],
    [
      { ...valid, monitors: [{ id: "m", kind: "tcp", host: "db", port: 70000, components: ["api"] }] },
      "monitors[0].port",
    ],
    [
      {
        ...valid,
        monitors: [{ id: "m", url: "https://x.example", components: ["api"], regions: ["weur"], quorum: 2 }],
      },
      "monitors[0].quorum: must be at most the number of regions (1)",
    ],
  ])("rejects a bad field and names it (%#)", (input, expected) => {
    const problems = problemsOf(input);
    expect(problems.some((p) => p.startsWith(expected))).toBe(true);
  });

  it("reports every problem at once, in one readable message", () => {
    try {
      defineConfig({ page: { name: "", url: "nope" }, components: [] } as unknown as LookoutConfigInput);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as Error).message;
      expect(message).toContain("Invalid lookout.config.ts");
      expect(message).toContain("page.name");
      expect(message).toContain("page.url");
      expect(message).toContain("components");
    }
  });
});
