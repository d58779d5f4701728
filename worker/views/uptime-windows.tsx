import { formatUptime, type UptimeWindow } from "../core/uptime.ts";
import { coverageWords } from "./uptime-words.ts";

/** A component's uptime in each window, with how much of it was observed: on its page and in a dependency chain alike. */
export function UptimeWindowList({ windows, class: className }: { windows: readonly UptimeWindow[]; class: string }) {
  return (
    <dl class={className}>
      {windows.map((w) => {
        const coverage = coverageWords(w);
        return (
          <div>
            <dt>{w.label}</dt>
            <dd>
              {formatUptime(w.uptime)}
              {coverage ? <span class="meta"> ({coverage})</span> : null}
            </dd>
          </div>
        );
      })}
    </dl>
  );
}
