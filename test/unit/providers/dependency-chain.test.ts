import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type ChainMember,
  ceilings,
  type DependencyChain,
  type DependencyLink,
  type DependencyNode,
  dependencyChain,
  withFiguresOf,
} from "../../../worker/core/providers/dependency-chain.ts";
import type { UptimeWindow } from "../../../worker/core/uptime.ts";
import { ceilingWords, notShownWords } from "../../../worker/views/dependency-chain.tsx";

const LABELS = ["24 hours", "7 days", "30 days", "90 days"];

/** Four windows with these uptimes (null: no data). */
function windows(...uptimes: (number | null)[]): UptimeWindow[] {
  return LABELS.map((label, i) => ({
    label,
    from: "2026-11-01T00:00:00.000Z",
    spanSeconds: 86_400,
    observedSeconds: uptimes[i] === null ? 0 : 86_400,
    measuredSeconds: uptimes[i] === null ? 0 : 86_400,
    majorOutageSeconds: 0,
    partialOutageSeconds: 0,
    degradedSeconds: 0,
    maintenanceSeconds: 0,
    worst: uptimes[i] === null ? null : "operational",
    uptime: uptimes[i] ?? null,
  }));
}

function member(id: string, hidden = false, uptime: number | null = 0.999): ChainMember {
  return {
    id,
    name: id.toUpperCase(),
    status: "operational",
    hidden,
    uptimeWindows: windows(uptime, uptime, uptime, uptime),
  };
}

function chainOf(links: Record<string, DependencyLink[]>, members: ChainMember[], root = "app"): DependencyChain {
  const byId = new Map(members.map((m) => [m.id, m]));
  return dependencyChain(
    root,
    (id) => links[id] ?? [],
    (id) => byId.get(id),
  );
}

const critical = (dependsOn: string): DependencyLink => ({ dependsOn, critical: true });
const optional = (dependsOn: string): DependencyLink => ({ dependsOn, critical: false });

/** Every row of the chain, depth first, as [id, depth, listedAbove]. */
function rows(chain: DependencyChain, depth = 1): [string, number, boolean][] {
  return chain.dependsOn.flatMap((node): [string, number, boolean][] => [
    [node.id, depth, node.listedAbove],
    ...rows(node, depth + 1),
  ]);
}

describe("a component's dependency chain", () => {
  it("lists dependencies in the config's order, nested, each one's own dependencies once", () => {
    const chain = chainOf(
      {
        app: [critical("api"), optional("db"), critical("cdn")],
        api: [critical("db"), optional("mail")],
        db: [critical("disk")],
      },
      ["api", "db", "disk", "mail", "cdn"].map((id) => member(id)),
    );
    expect(rows(chain)).toEqual([
      ["api", 1, false],
      ["db", 2, false],
      ["disk", 3, false],
      ["mail", 2, false],
      ["db", 1, true],
      ["cdn", 1, false],
    ]);
    expect(chain.dependsOn.map((d) => [d.id, d.critical])).toEqual([
      ["api", true],
      ["db", false],
      ["cdn", true],
    ]);
  });

  it("never names a hidden dependency: it is counted with what the ceiling needs, and its own chain is not walked", () => {
    const asked: string[] = [];
    const chain = dependencyChain(
      "app",
      (id) => {
        asked.push(id);
        return { app: [critical("vault"), optional("db")], vault: [critical("secret-db")] }[id] ?? [];
      },
      (id) => member(id, id === "vault", 0.9),
    );
    expect(chain.dependsOn.map((d) => d.id)).toEqual(["db"]);
    expect(chain.notShown).toEqual([{ critical: true, uptime: LABELS.map((label) => ({ label, uptime: 0.9 })) }]);
    expect(JSON.stringify(chain)).not.toMatch(/vault|VAULT/);
    expect(asked).toEqual(["app", "db"]);
  });

  it("leaves out a component that is gone, and ends on a loop the config would have refused", () => {
    const chain = chainOf({ app: [critical("api"), critical("gone")], api: [critical("app"), critical("api")] }, [
      member("api"),
      member("app"),
    ]);
    expect(rows(chain)).toEqual([
      ["api", 1, false],
      ["app", 2, false],
      ["api", 2, false],
    ]);
  });

  it("lists every visible component reached, walks each one's links once, and has a row per link at most (any acyclic config)", () => {
    // Components 0..n-1; i may depend on j > i only, so the config has no loop.
    const configs = fc.integer({ min: 1, max: 12 }).chain((n) =>
      fc.record({
        hidden: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
        links: fc.array(fc.array(fc.tuple(fc.nat(n), fc.boolean()), { maxLength: 5 }), { minLength: n, maxLength: n }),
      }),
    );
    fc.assert(
      fc.property(configs, ({ hidden, links }) => {
        const n = hidden.length;
        const linksOf = new Map<string, DependencyLink[]>();
        links.forEach((list, i) => {
          const targets = [...new Map(list.filter(([j]) => j > i && j < n).map(([j, c]) => [j, c])).entries()];
          linksOf.set(
            `c${i}`,
            targets.map(([j, c]) => ({ dependsOn: `c${j}`, critical: c })),
          );
        });
        const walked: string[] = [];
        const chain = dependencyChain(
          "c0",
          (id) => {
            walked.push(id);
            return linksOf.get(id) ?? [];
          },
          (id) => ({ ...member(id), hidden: hidden[Number(id.slice(1))] ?? false }),
        );
        // Each component's links are read once.
        expect(new Set(walked).size).toBe(walked.length);
        // Reachable through visible components: exactly the ids listed.
        const reachable = new Set<string>();
        const visit = (id: string) => {
          for (const link of linksOf.get(id) ?? []) {
            if (hidden[Number(link.dependsOn.slice(1))]) continue;
            if (!reachable.has(link.dependsOn)) {
              reachable.add(link.dependsOn);
              visit(link.dependsOn);
            }
          }
        };
        visit("c0");
        const listed = rows(chain);
        expect(new Set(listed.map(([id]) => id))).toEqual(reachable);
        const totalLinks = [...linksOf.values()].reduce((sum, list) => sum + list.length, 0);
        expect(listed.length).toBeLessThanOrEqual(totalLinks);
        // A component's own dependencies are listed once: where it first appears.
        const nodes: DependencyNode[] = [];
        const collect = (level: DependencyChain) =>
          level.dependsOn.forEach((node) => {
            nodes.push(node);
            collect(node);
          });
        collect(chain);
        for (const id of reachable) {
          const expanded = nodes.filter((node) => node.id === id && node.dependsOn.length + node.notShown.length > 0);
          expect(expanded.length).toBeLessThanOrEqual(1);
        }
      }),
    );
  });
});

describe("the availability ceiling of a chain", () => {
  it("is the product of the critical direct dependencies' uptime in each window, hidden ones included", () => {
    const chain = chainOf(
      { app: [critical("db"), critical("cdn"), optional("mail"), critical("vault")], db: [critical("disk")] },
      [
        { ...member("db"), uptimeWindows: windows(0.99, 0.995, 0.999, null) },
        { ...member("cdn"), uptimeWindows: windows(0.98, 0.99, 0.999, 0.9999) },
        { ...member("mail"), uptimeWindows: windows(0.5, 0.5, 0.5, 0.5) },
        { ...member("vault", true), uptimeWindows: windows(0.995, 1, 1, 1) },
        { ...member("disk"), uptimeWindows: windows(0.1, 0.1, 0.1, 0.1) },
      ],
    );
    const result = ceilings(chain, windows(0.97, 0.98, 0.99, 0.999));
    expect(result.map((w) => w.label)).toEqual(LABELS);
    expect(result[0]?.ceiling).toBeCloseTo(0.99 * 0.98 * 0.995, 12);
    expect(result[1]?.ceiling).toBeCloseTo(0.995 * 0.99, 12);
    expect(result[2]?.ceiling).toBeCloseTo(0.999 * 0.999, 12);
    // The database has no data in 90 days: the ceiling is not known, and it is named.
    expect(result[3]).toMatchObject({ ceiling: null, withoutData: ["DB"], hiddenWithoutData: 0, measured: 0.999 });
    expect(result.every((w) => w.criticalCount === 3)).toBe(true);
  });

  it("counts a hidden critical dependency without data, without naming it", () => {
    const chain = chainOf({ app: [critical("vault")] }, [member("vault", true, null)]);
    expect(ceilings(chain, windows(1, 1, 1, 1))[0]).toMatchObject({
      ceiling: null,
      withoutData: [],
      hiddenWithoutData: 1,
    });
  });

  it("is bounded by nothing when no dependency is critical", () => {
    const chain = chainOf({ app: [optional("mail")] }, [member("mail", false, 0.5)]);
    expect(ceilings(chain, windows(0.9, 0.9, 0.9, 0.9))[0]).toMatchObject({ ceiling: 1, criticalCount: 0 });
  });

  it("takes a dependency's status and figures from the snapshot the page renders from, where it has them", () => {
    const chain = chainOf({ app: [critical("db"), critical("vault")], db: [critical("disk")] }, [
      member("db", false, 0.5),
      member("disk", false, 0.5),
      member("vault", true, 0.7),
    ]);
    const snapshot = [
      { id: "db", status: "major_outage" as const, uptimeWindows: windows(0.9, 0.9, 0.9, 0.9) },
      { id: "disk", status: "partial_outage" as const, uptimeWindows: windows(0.8, 0.8, 0.8, 0.8) },
    ];
    const shown = withFiguresOf(chain, snapshot);
    expect(shown.dependsOn[0]?.status).toBe("major_outage");
    expect(shown.dependsOn[0]?.dependsOn[0]?.status).toBe("partial_outage");
    expect(ceilings(shown, windows(1, 1, 1, 1))[0]?.ceiling).toBeCloseTo(0.9 * 0.7, 12);
  });
});

describe("the ceiling in words", () => {
  const window = {
    label: "30 days",
    ceiling: 0.99934,
    measured: 0.99901,
    criticalCount: 2,
    withoutData: [],
    hiddenWithoutData: 0,
  };

  it("puts the ceiling beside the measured figure, rounded down like every figure", () => {
    expect(ceilingWords(window)).toBe("at best 99.93% given its providers; measured 99.90%");
    expect(ceilingWords({ ...window, measured: null })).toBe("at best 99.93% given its providers; no data of its own");
  });

  it("never shows an unknown ceiling, or an unbounded one, as 100 %", () => {
    expect(ceilingWords({ ...window, ceiling: null, withoutData: ["Payments"] })).toBe(
      "at best not known: Payments has no data in this window; measured 99.90%",
    );
    expect(ceilingWords({ ...window, ceiling: null, withoutData: ["Payments", "Email"], hiddenWithoutData: 1 })).toBe(
      "at best not known: Payments, Email and a dependency not shown here have no data in this window; measured 99.90%",
    );
    expect(ceilingWords({ ...window, ceiling: null, hiddenWithoutData: 2 })).toBe(
      "at best not known: 2 dependencies not shown here have no data in this window; measured 99.90%",
    );
    expect(ceilingWords({ ...window, ceiling: 1, criticalCount: 0 })).toBe(
      "no critical dependency bounds it; measured 99.90%",
    );
  });

  it("counts hidden dependencies, and says which of the component's own bound the ceiling", () => {
    const hidden = (critical: boolean) => ({ critical, uptime: [] });
    expect(notShownWords([hidden(true)], true)).toBe(
      "and 1 dependency not shown here (critical: counted in the ceiling)",
    );
    expect(notShownWords([hidden(true), hidden(false), hidden(true)], true)).toBe(
      "and 3 dependencies not shown here (2 critical: counted in the ceiling)",
    );
    expect(notShownWords([hidden(false)], true)).toBe("and 1 dependency not shown here");
    expect(notShownWords([hidden(true)], false)).toBe("and 1 dependency not shown here");
  });
});
