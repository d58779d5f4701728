import { describe, expect, it } from "vitest";
import { defineConfig, type LookoutConfigInput } from "../../worker/config/define-config.ts";
import { problemsOf } from "../helpers/config-problems.ts";

const valid: LookoutConfigInput = {
  page: { name: "Example", url: "https://status.example.com" },
  components: [
    { id: "api", name: "API" },
    { id: "web", name: "Website" },
  ],
};

const template = {
  id: "api-down",
  name: "API down",
  title: "The API is down",
  message: "We are looking into errors from the API.",
  severity: "critical",
  components: { api: "major_outage" as const },
};

const severities = [
  { id: "sev1", name: "SEV1", impact: "critical" as const },
  { id: "sev2", name: "SEV2", impact: "major" as const },
  { id: "sev3", name: "SEV3", impact: "minor" as const },
];

describe("the console's severities and templates", () => {
  it("defaults to Critical, Major and Minor, each mapped to Statuspage's impact of the same name", () => {
    const config = defineConfig(valid);
    expect(config.console.severities.map((s) => [s.id, s.impact])).toEqual([
      ["critical", "critical"],
      ["major", "major"],
      ["minor", "minor"],
    ]);
    expect(config.console.templates).toEqual([]);
  });

  it("accepts its own severities and a template that names them and known components", () => {
    const config = defineConfig({
      ...valid,
      console: { severities, templates: [{ ...template, severity: "sev1" }] },
    });
    expect(config.console.templates[0]?.visibility).toBe("public");
    expect(config.console.severities).toHaveLength(3);
  });

  it.each([
    [{ console: { severities: severities.slice(0, 2) } }, "console.severities: declare 3 to 5 severities"],
    [
      { console: { severities: [...severities, ...severities.slice(0, 3)] } },
      "console.severities: declare 3 to 5 severities",
    ],
    [
      { console: { severities: [...severities, { id: "sev1", name: "Again", impact: "none" }] } },
      'console.severities[3].id: duplicate severity id "sev1"',
    ],
    [
      { console: { severities: [...severities.slice(0, 2), { id: "sev3", name: "x", impact: "huge" }] } },
      "console.severities[2].impact",
    ],
    [
      { console: { templates: [{ ...template, severity: "sev9" }] } },
      'console.templates[0].severity: unknown severity "sev9"',
    ],
    [
      { console: { templates: [{ ...template, components: { ghost: "major_outage" } }] } },
      'console.templates[0].components.ghost: unknown component "ghost"',
    ],
    [
      { console: { templates: [template, { ...template, name: "Again" }] } },
      'console.templates[1].id: duplicate template id "api-down"',
    ],
    [
      { console: { templates: [{ ...template, visibility: "internal" }] } },
      "console.templates[0].components: an internal incident cannot change component statuses",
    ],
  ])("refuses a bad console config and names the field (%#)", (change, expected) => {
    const problems = problemsOf({ ...valid, ...change });
    expect(
      problems.some((p) => p.startsWith(expected)),
      problems.join("\n"),
    ).toBe(true);
  });
});

describe("the console's Cloudflare Access settings", () => {
  const withTeam = (teamDomain: string): LookoutConfigInput => ({
    ...valid,
    console: { access: { teamDomain, audience: "aud-tag" } },
  });

  it("reads the team's signing keys over HTTPS only: plain HTTP would let anyone on the path sign in as anyone", () => {
    expect(problemsOf(withTeam("http://acme.cloudflareaccess.com"))).toEqual([
      "console.access.teamDomain: must be an https URL (http only for 127.0.0.1 or localhost, in tests)",
    ]);
    expect(defineConfig(withTeam("https://acme.cloudflareaccess.com")).console.access?.teamDomain).toBe(
      "https://acme.cloudflareaccess.com",
    );
  });

  it("allows plain HTTP to this machine, where the tests serve a key set", () => {
    expect(() => defineConfig(withTeam("http://127.0.0.1:8790/relay/keys"))).not.toThrow();
    expect(() => defineConfig(withTeam("http://localhost:8790"))).not.toThrow();
  });
});
