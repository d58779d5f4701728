import type { ComponentStatus } from "../statuses.ts";
import type { UptimeWindow } from "../uptime.ts";
import { availabilityCeiling } from "./availability-ceiling.ts";

/**
 * A component's dependency chain as its page shows it (README "Dependencies
 * and the availability ceiling", decision 0041): what it needs, what those
 * need in turn, each with its status and uptime over the page's windows.
 * Hidden components are never named: they are counted, and a critical one
 * still bounds the ceiling.
 */

/** What the page knows of one component, at the snapshot's instant. */
export interface ChainMember {
  id: string;
  name: string;
  status: ComponentStatus;
  hidden: boolean;
  uptimeWindows: UptimeWindow[];
}

/** One `dependsOn` entry, in the config's order. */
export interface DependencyLink {
  dependsOn: string;
  critical: boolean;
}

/** A hidden dependency: no id, no name, no status; only what the ceiling needs. */
export interface DependencyNotShown {
  critical: boolean;
  uptime: { label: string; uptime: number | null }[];
}

export interface DependencyChain {
  /** The dependencies a reader may see, in the config's order. */
  dependsOn: DependencyNode[];
  /** Hidden ones, counted and never named. */
  notShown: DependencyNotShown[];
}

export interface DependencyNode extends DependencyChain {
  id: string;
  name: string;
  status: ComponentStatus;
  /** Critical for the component it is listed under. */
  critical: boolean;
  uptimeWindows: UptimeWindow[];
  /**
   * Its own dependencies are listed where it first appears in the chain (two
   * components may share one): here they are not listed again.
   */
  listedAbove: boolean;
}

export const NO_DEPENDENCIES: DependencyChain = { dependsOn: [], notShown: [] };

/**
 * Walks `dependsOn` from `rootId`, depth first in the config's order. Each
 * component's own dependencies are listed once, where it first appears, so a
 * chain has at most one row per link and ends even on a loop (which the
 * config refuses anyway). `member` is asked at every link (the caller keeps
 * what it read); undefined (a removed component) leaves it out.
 */
export function dependencyChain(
  rootId: string,
  linksOf: (id: string) => readonly DependencyLink[],
  member: (id: string) => ChainMember | undefined,
): DependencyChain {
  // Components whose place in the chain is taken: true once their own dependencies are listed (they have some).
  const placed = new Map<string, boolean>([[rootId, false]]);
  const walk = (id: string): DependencyChain => {
    const chain: DependencyChain = { dependsOn: [], notShown: [] };
    for (const link of linksOf(id)) {
      const found = member(link.dependsOn);
      if (!found) continue;
      if (found.hidden) {
        chain.notShown.push({
          critical: link.critical,
          uptime: found.uptimeWindows.map((w) => ({ label: w.label, uptime: w.uptime })),
        });
        continue;
      }
      const seen = placed.has(found.id);
      let own = NO_DEPENDENCIES;
      if (!seen) {
        placed.set(found.id, false);
        own = walk(found.id);
        placed.set(found.id, own.dependsOn.length + own.notShown.length > 0);
      }
      chain.dependsOn.push({
        id: found.id,
        name: found.name,
        status: found.status,
        critical: link.critical,
        uptimeWindows: found.uptimeWindows,
        listedAbove: seen && placed.get(found.id) === true,
        ...own,
      });
    }
    return chain;
  };
  return walk(rootId);
}

/**
 * The chain with each named component's status and figures as `components`
 * (the snapshot the page renders from) has them, so a dependency reads the
 * same here as on its own page; one the snapshot lacks keeps its own.
 */
export function withFiguresOf(
  chain: DependencyChain,
  components: readonly { id: string; status: ComponentStatus; uptimeWindows: UptimeWindow[] }[],
): DependencyChain {
  const byId = new Map(components.map((c) => [c.id, c] as const));
  const overlay = (level: DependencyChain): DependencyChain => ({
    notShown: level.notShown,
    dependsOn: level.dependsOn.map((node) => {
      const known = byId.get(node.id);
      return {
        ...node,
        ...overlay(node),
        ...(known ? { status: known.status, uptimeWindows: known.uptimeWindows } : {}),
      };
    }),
  });
  return overlay(chain);
}

/** The ceiling beside the component's own figure, for one window. */
export interface CeilingInWindow {
  label: string;
  /** The product of the critical direct dependencies' uptime; null when one has no data in the window. */
  ceiling: number | null;
  /** The component's own uptime in the window. */
  measured: number | null;
  /** How many critical direct dependencies bound it (none: nothing does, and 1 is no news). */
  criticalCount: number;
  /** Named critical dependencies without data in the window. */
  withoutData: string[];
  /** Hidden critical dependencies without data in the window. */
  hiddenWithoutData: number;
}

/**
 * Per window of the component's own (`own`, the page's windows), the product
 * of its critical direct dependencies' uptime over the same window. Only
 * direct ones: a dependency's own dependencies are already inside its
 * measured figure, and counting them again would bound it twice.
 */
export function ceilings(chain: DependencyChain, own: readonly UptimeWindow[]): CeilingInWindow[] {
  const critical = [
    ...chain.dependsOn
      .filter((d) => d.critical)
      .map((d) => ({ name: d.name as string | null, uptime: d.uptimeWindows })),
    ...chain.notShown.filter((d) => d.critical).map((d) => ({ name: null, uptime: d.uptime })),
  ];
  return own.map((window) => {
    const inWindow = critical.map((d) => ({
      name: d.name,
      availability: d.uptime.find((w) => w.label === window.label)?.uptime ?? null,
    }));
    const missing = inWindow.filter((d) => d.availability === null);
    return {
      label: window.label,
      ceiling: availabilityCeiling(inWindow.map((d) => ({ critical: true, availability: d.availability }))),
      measured: window.uptime,
      criticalCount: critical.length,
      withoutData: missing.flatMap((d) => (d.name === null ? [] : [d.name])),
      hiddenWithoutData: missing.filter((d) => d.name === null).length,
    };
  });
}
