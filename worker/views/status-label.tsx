import { COMPONENT_STATUS_LABELS, type ComponentStatus } from "../core/statuses.ts";

/** A status in words with a shape icon beside it: colour is never the only signal. */
export function StatusLabel({ status }: { status: ComponentStatus }) {
  return (
    <span class={`status st-${status}`}>
      <span class="icon" aria-hidden="true" />
      {COMPONENT_STATUS_LABELS[status]}
    </span>
  );
}
