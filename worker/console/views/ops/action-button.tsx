import type { Child } from "hono/jsx";
import { CSRF_FIELD } from "../../csrf.ts";

/**
 * One action on one row of an operator page (acknowledge, send a test,
 * hold, remove…): a form of its own, so it works without JavaScript, posting
 * the CSRF field, what `children` ask for, and a secondary button.
 */
export function ActionButton({
  action,
  csrf,
  label,
  class: className,
  children,
}: {
  action: string;
  csrf: string;
  label: string;
  class?: string;
  children?: Child;
}) {
  return (
    <form method="post" action={action} class={className}>
      <input type="hidden" name={CSRF_FIELD} value={csrf} />
      {children}
      <button type="submit" class="secondary">
        {label}
      </button>
    </form>
  );
}

/**
 * Lifting a hold (a channel's, an endpoint's, a mail domain's) asks the
 * same question everywhere: what waited behind it is sent now or dropped
 * (`pending` of holds.lift and its kin, worker/core/api/operations.ts); `id`
 * gives each row's select its own label.
 */
export function LiftHoldButton({
  action,
  csrf,
  id,
  class: className,
}: {
  action: string;
  csrf: string;
  id: string;
  class?: string;
}) {
  return (
    <ActionButton action={action} csrf={csrf} label="Lift the hold" class={className}>
      <label for={`pending-${id}`}>What waited</label>
      <select id={`pending-${id}`} name="pending">
        <option value="send">send it now</option>
        <option value="drop">drop it</option>
      </select>
    </ActionButton>
  );
}

/**
 * A secret shown the one time it exists (a new token, a rotated signing
 * secret): on the answer to the form itself, then the way back to its list.
 */
export function SecretOnce({ secret, back, label }: { secret: string; back: string; label: string }) {
  return (
    <>
      <p class="ops-secret">
        <code>{secret}</code>
      </p>
      <p>
        <a href={back}>{label}</a>
      </p>
    </>
  );
}
