import {
  type CeilingInWindow,
  ceilings,
  type DependencyChain,
  type DependencyNode,
  type DependencyNotShown,
  withFiguresOf,
} from "../core/providers/dependency-chain.ts";
import type { ComponentView, PageSnapshot } from "../core/read-model.ts";
import { formatUptime } from "../core/uptime.ts";
import { StatusLabel } from "./status-label.tsx";
import { UptimeWindowList } from "./uptime-windows.tsx";

/**
 * The component page's "Dependencies": the availability ceiling beside the
 * measured uptime for each of the page's windows, then the chain, each member
 * with its status, whether it is critical and its uptime over the same
 * windows (decision 0041). Nothing when the component depends on nothing.
 */
export function Dependencies({
  component,
  snapshot,
  chain,
}: {
  component: ComponentView;
  snapshot: PageSnapshot;
  chain: DependencyChain;
}) {
  if (chain.dependsOn.length === 0 && chain.notShown.length === 0) return null;
  // A dependency reads here exactly as on its own page: the figures of the snapshot this page renders from.
  const shown = withFiguresOf(chain, snapshot.components);
  return (
    <section class="dependencies" aria-labelledby="dependencies">
      <h2 id="dependencies">Dependencies</h2>
      <p class="meta">
        What {component.name} needs to work. It is up at best as much as all of its critical dependencies together: the
        product of their uptime over the same window.
      </p>
      <ul class="ceiling">
        {ceilings(shown, component.uptimeWindows).map((window) => (
          <li>
            <strong>{window.label}:</strong> {ceilingWords(window)}
          </li>
        ))}
      </ul>
      <Level chain={shown} top />
    </section>
  );
}

/**
 * "At best 99.93% given its providers; measured 99.90%". A ceiling is never
 * shown as 100 %: without critical dependencies nothing bounds it, and one
 * without data makes it unknown, named.
 */
export function ceilingWords(window: CeilingInWindow): string {
  const measured = window.measured === null ? "no data of its own" : `measured ${formatUptime(window.measured)}`;
  if (window.criticalCount === 0) return `no critical dependency bounds it; ${measured}`;
  if (window.ceiling === null) {
    const names = [
      ...window.withoutData,
      ...(window.hiddenWithoutData === 0
        ? []
        : [
            window.hiddenWithoutData === 1
              ? "a dependency not shown here"
              : `${window.hiddenWithoutData} dependencies not shown here`,
          ]),
    ];
    const plural = names.length > 1 || window.hiddenWithoutData > 1;
    return `at best not known: ${listWords(names)} ${plural ? "have" : "has"} no data in this window; ${measured}`;
  }
  return `at best ${formatUptime(window.ceiling)} given its providers; ${measured}`;
}

function Level({ chain, top = false }: { chain: DependencyChain; top?: boolean }) {
  return (
    <ul class="chain">
      {chain.dependsOn.map((node) => (
        <Member node={node} />
      ))}
      {chain.notShown.length > 0 ? <li class="not-shown meta">{notShownWords(chain.notShown, top)}</li> : null}
    </ul>
  );
}

function Member({ node }: { node: DependencyNode }) {
  return (
    <li>
      <a href={`/components/${node.id}`}>{node.name}</a> <StatusLabel status={node.status} />{" "}
      <span class="meta">· {node.critical ? "critical" : "not critical"}</span>
      <UptimeWindowList windows={node.uptimeWindows} class="chain-uptime" />
      {node.listedAbove ? <p class="meta">Its own dependencies are listed above.</p> : null}
      {node.dependsOn.length > 0 || node.notShown.length > 0 ? <Level chain={node} /> : null}
    </li>
  );
}

/** "and 1 dependency not shown here (critical: counted in the ceiling)": hidden ones are counted, never named. */
export function notShownWords(notShown: readonly DependencyNotShown[], top: boolean): string {
  const count = notShown.length === 1 ? "1 dependency" : `${notShown.length} dependencies`;
  const critical = notShown.filter((d) => d.critical).length;
  if (!top || critical === 0) return `and ${count} not shown here`;
  const which = notShown.length === 1 ? "critical" : `${critical} critical`;
  return `and ${count} not shown here (${which}: counted in the ceiling)`;
}

function listWords(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? "";
  return `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}
