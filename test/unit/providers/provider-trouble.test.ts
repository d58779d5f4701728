import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { defineConfig } from "../../../worker/config/define-config.ts";
import { type DependencyEdge, dependenciesOf, dependentsOf } from "../../../worker/core/providers/dependency-reach.ts";
import type { ProviderIncident, ProviderObservation } from "../../../worker/core/providers/provider-observation.ts";
import {
  hintText,
  movedAway,
  troubleHeadline,
  troubleIncident,
  troubleOf,
  troubleSeverity,
  UNREADABLE_NOTE_AFTER_MS,
  unreadableTooLong,
} from "../../../worker/core/providers/provider-trouble.ts";
import { COMPONENT_STATUSES } from "../../../worker/core/statuses.ts";

const incident: ProviderIncident = {
  id: "inc-1",
  name: "Elevated error rates on the CDN",
  status: "identified",
  impact: "major",
  url: "https://stspg.io/abc",
  latestUpdate: { body: "We have identified the cause.", status: "identified", at: "2026-12-06T04:00:00Z" },
};

function observed(partial: Partial<ProviderObservation>): ProviderObservation {
  return {
    name: "Cloudflare",
    pageUrl: "https://www.cloudflarestatus.com",
    status: "operational",
    lastKnown: "operational",
    unavailableSince: null,
    problem: null,
    incidents: [],
    ...partial,
  };
}

describe("a provider's trouble", () => {
  it("is noted as unreadable only once its page has been unreadable for the whole wait", () => {
    fc.assert(
      fc.property(fc.nat({ max: 3 * UNREADABLE_NOTE_AFTER_MS }), fc.boolean(), (elapsed, readable) => {
        const now = 10 * UNREADABLE_NOTE_AFTER_MS;
        const seen = readable
          ? observed({ status: "operational" })
          : observed({ status: "unknown", unavailableSince: now - elapsed, problem: "answered 503" });
        expect(unreadableTooLong(seen, now)).toBe(!readable && elapsed >= UNREADABLE_NOTE_AFTER_MS);
      }),
    );
    // Unknown because the page names nothing Lookout follows, while it reads fine: no time to count from.
    expect(unreadableTooLong(observed({ status: "unknown", unavailableSince: null }), Date.now())).toBe(false);
  });

  it("is trouble for every stated status but operational and maintenance, and for any open incident", () => {
    for (const status of COMPONENT_STATUSES) {
      const quiet = status === "operational" || status === "under_maintenance";
      expect(troubleOf(observed({ status, lastKnown: status })).kind, status).toBe(quiet ? "clear" : "trouble");
      expect(troubleOf(observed({ status, lastKnown: status, incidents: [incident] })).kind, status).toBe("trouble");
    }
  });

  it("is never trouble nor clear while the page cannot be read, whatever it said last (decision 0039)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...COMPONENT_STATUSES, null),
        fc.boolean(),
        fc.option(fc.nat(), { nil: null }),
        (lastKnown, withIncident, since) => {
          const seen = observed({
            status: "unknown",
            lastKnown,
            unavailableSince: since,
            incidents: withIncident ? [incident] : [],
          });
          expect(troubleOf(seen).kind).toBe("unknown");
        },
      ),
    );
  });

  it("is one step milder than your own outage, and an incident on an operational page only informs", () => {
    const severity = (status: ProviderObservation["status"], incidents: ProviderIncident[] = []) => {
      const trouble = troubleOf(observed({ status, incidents }));
      if (trouble.kind !== "trouble") throw new Error("not trouble");
      return troubleSeverity(trouble);
    };
    expect(severity("major_outage")).toBe("error");
    expect(severity("partial_outage")).toBe("warning");
    expect(severity("degraded_performance")).toBe("warning");
    expect(severity("operational", [incident])).toBe("info");
  });

  it("says what the provider reports and which of yours it touches, and its incident links the provider's", () => {
    const trouble = troubleOf(observed({ status: "partial_outage", incidents: [incident] }));
    if (trouble.kind !== "trouble") throw new Error("not trouble");
    expect(troubleHeadline("Cloudflare", trouble, ["CDN"])).toBe("Cloudflare reports an incident affecting CDN");
    const plain = troubleOf(observed({ status: "major_outage" }));
    if (plain.kind !== "trouble") throw new Error("not trouble");
    expect(troubleHeadline("Cloudflare", plain, ["CDN", "Images"])).toBe(
      "Cloudflare reports a major outage affecting CDN and Images",
    );
    expect(hintText([{ providerName: "Cloudflare", trouble, componentNames: ["CDN"] }])).toBe(
      "Cloudflare reports an incident affecting CDN.",
    );
    const planned = troubleIncident(observed({ status: "partial_outage", incidents: [incident] }), trouble, [
      { id: "cdn", name: "CDN", mirrors: true, critical: true, hidden: false },
      { id: "app", name: "App", mirrors: false, critical: true, hidden: false },
      { id: "blog", name: "Blog", mirrors: false, critical: false, hidden: false },
      { id: "vault", name: "Vault", mirrors: false, critical: true, hidden: true },
    ]);
    expect(planned.name).toBe("Cloudflare: Elevated error rates on the CDN");
    expect(planned.impact).toBe("minor");
    expect(planned.body).toContain("Cloudflare reports an incident and states partial outage");
    expect(planned.body).toContain("follow it at https://stspg.io/abc");
    // A hidden component is never named in an incident's words (the alert names it).
    expect(planned.body).toContain(
      "Our components affected: CDN (mirrors it), App (depends on it), Blog (depends on it, not critically).",
    );
    const onlyHidden = troubleIncident(observed({ status: "partial_outage", incidents: [incident] }), trouble, [
      { id: "vault", name: "Vault", mirrors: true, critical: true, hidden: true },
    ]);
    expect(onlyHidden.body).not.toContain("Vault");
    expect(onlyHidden.body).toContain("None of the components on our status page is affected.");
    expect(movedAway("Cloudflare: Elevated error rates")).toContain(
      'The incident "Cloudflare: Elevated error rates" opened for it stays open',
    );
  });
});

/** Small dependency graphs over ids c0..c5, loops allowed: a walk must not trust the config's refusal. */
const graphs = fc.array(
  fc.record({
    componentId: fc.integer({ min: 0, max: 5 }).map((i) => `c${i}`),
    dependsOn: fc.integer({ min: 0, max: 5 }).map((i) => `c${i}`),
    critical: fc.boolean(),
  }),
  { maxLength: 15 },
);

/** Is `to` reachable from `from` following `step`, through critical edges only when asked? */
function reachable(edges: DependencyEdge[], from: string, to: string, criticalOnly: boolean, up: boolean): boolean {
  const seen = new Set([from]);
  const queue = [from];
  while (queue.length > 0) {
    const at = queue.shift() as string;
    if (at === to) return true;
    for (const e of edges) {
      if (criticalOnly && !e.critical) continue;
      const [a, b] = up ? [e.dependsOn, e.componentId] : [e.componentId, e.dependsOn];
      if (a === at && !seen.has(b)) {
        seen.add(b);
        queue.push(b);
      }
    }
  }
  return false;
}

describe("a statuspage monitor's incident option", () => {
  it("is internal unless the config says otherwise, and refuses anything but none, internal and public", () => {
    const config = (incident?: string) =>
      defineConfig({
        page: { name: "P", url: "https://status.p.test" },
        components: [{ id: "cdn", name: "CDN" }],
        monitors: [
          {
            id: "cf",
            kind: "statuspage",
            url: "https://www.cloudflarestatus.com",
            components: ["cdn"],
            ...(incident ? { incident } : {}),
          } as never,
        ],
      });
    const incidentOf = (c: ReturnType<typeof config>) => {
      const monitor = c.monitors[0];
      return monitor?.kind === "statuspage" ? monitor.incident : null;
    };
    expect(incidentOf(config())).toBe("internal");
    expect(incidentOf(config("public"))).toBe("public");
    expect(() => config("loud")).toThrow(/incident/);
  });
});

describe("walks of dependsOn", () => {
  it("reach every dependent of the provider's component, critical exactly when a critical chain leads there", () => {
    fc.assert(
      fc.property(graphs, (edges) => {
        const reached = dependentsOf(["c0"], edges);
        expect(reached[0]).toEqual({ id: "c0", critical: true });
        expect(new Set(reached.map((r) => r.id)).size).toBe(reached.length);
        for (let i = 0; i < 6; i++) {
          const id = `c${i}`;
          const found = reached.find((r) => r.id === id);
          expect(found !== undefined, id).toBe(reachable(edges, "c0", id, false, true));
          if (found) expect(found.critical, id).toBe(reachable(edges, "c0", id, true, true));
        }
      }),
    );
  });

  it("reach every dependency of a failing component, never the component itself", () => {
    fc.assert(
      fc.property(graphs, (edges) => {
        const reached = dependenciesOf(["c1"], edges).map((r) => r.id);
        for (let i = 0; i < 6; i++) {
          const id = `c${i}`;
          expect(reached.includes(id), id).toBe(id !== "c1" && reachable(edges, "c1", id, false, false));
        }
      }),
    );
  });
});
