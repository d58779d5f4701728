import type { PageInfo } from "../../../core/read-model.ts";
import type { Viewer } from "../../console-env.ts";
import type { Problem } from "../../ops/ops-form.ts";
import { may } from "../../sections.ts";
import { ConsoleLayout } from "../console-layout.tsx";
import { FormProblems } from "../form-problems.tsx";
import { ActionButton, LiftHoldButton, SecretOnce } from "./action-button.tsx";

/** An endpoint as webhooks.list answers it (durable-objects/status-page/webhooks.ts describeWebhook). */
export interface WebhookRow {
  id: string;
  url: string;
  description: string | null;
  enabled: boolean;
  disabledAt: string | null;
  disabledReason: string | null;
  previousSecretValidUntil: string | null;
  lastSuccessAt: string | null;
  lastFailureAt: string | null;
  lastFailure: string | null;
  failuresInARow: number;
  waiting: number;
}

export interface WebhooksPageProps {
  page: PageInfo;
  viewer: Viewer;
  csrf: string;
  webhooks: WebhookRow[];
  /** Ids of the endpoints held back (holds.list). */
  held: Set<string>;
  notice?: string | undefined;
  problem?: Problem | undefined;
}

/**
 * Where an endpoint is, without its path or query: chat services put the
 * secret in the path, and the page is read over shoulders (decision 0050).
 */
export function endpointOrigin(url: string): string {
  return URL.canParse(url) ? new URL(url).origin : "(not a URL)";
}

function health(hook: WebhookRow): string {
  if (!hook.enabled) return `disabled ${hook.disabledAt}: ${hook.disabledReason ?? "by hand"}`;
  if (hook.failuresInARow > 0) {
    return `failing: ${hook.failuresInARow} in a row, last at ${hook.lastFailureAt} (${hook.lastFailure})`;
  }
  return hook.lastSuccessAt ? `healthy: last delivered ${hook.lastSuccessAt}` : "nothing delivered yet";
}

/** Webhook endpoints and their health: test, rotate the signing secret, hold or lift, enable, delete. */
export function WebhooksPage({ page, viewer, csrf, webhooks, held, notice, problem }: WebhooksPageProps) {
  const canWrite = may(viewer.scopes, "webhooks.test");
  return (
    <ConsoleLayout page={page} title="Webhooks" viewer={viewer} csrf={csrf} path="/console/webhooks" notice={notice}>
      <FormProblems message={problem?.message} fields={problem?.fields} />
      <p class="hint">Endpoints are shown by origin only: a chat service's URL carries its secret in the path.</p>
      {webhooks.length === 0 ? <p>No webhook endpoints. Readers register them from the public page.</p> : null}
      <ul class="rows">
        {webhooks.map((hook) => {
          const isHeld = held.has(hook.id);
          return (
            <li>
              <div>
                <h2>
                  {endpointOrigin(hook.url)} {isHeld ? <span class="ops-state ops-off">held</span> : null}
                  {hook.enabled ? null : <span class="ops-state ops-off">disabled</span>}
                </h2>
                {hook.description ? <p>{hook.description}</p> : null}
                <p class="hint">
                  <code>{hook.id}</code> · {health(hook)}. {hook.waiting} waiting.
                  {hook.previousSecretValidUntil
                    ? ` The previous secret still signs until ${hook.previousSecretValidUntil}.`
                    : ""}
                </p>
              </div>
              {canWrite ? (
                <div class="ops-actions">
                  <ActionButton action={`/console/webhooks/${hook.id}/test`} csrf={csrf} label="Send a test" />
                  {hook.enabled ? null : (
                    <ActionButton action={`/console/webhooks/${hook.id}/enable`} csrf={csrf} label="Enable again" />
                  )}
                  {isHeld ? (
                    <LiftHoldButton action={`/console/webhooks/${hook.id}/lift`} csrf={csrf} id={hook.id} />
                  ) : (
                    <ActionButton action={`/console/webhooks/${hook.id}/hold`} csrf={csrf} label="Hold" />
                  )}
                  <ActionButton action={`/console/webhooks/${hook.id}/rotate`} csrf={csrf} label="Rotate the secret">
                    <label for={`overlap-${hook.id}`}>Old secret keeps signing for</label>
                    <select id={`overlap-${hook.id}`} name="overlapSeconds">
                      <option value="86400">a day</option>
                      <option value="3600">an hour</option>
                      <option value="604800">a week</option>
                      <option value="0">no time: stop at once</option>
                    </select>
                  </ActionButton>
                  <form method="get" action={`/console/webhooks/${hook.id}/delete`}>
                    <button type="submit" class="secondary">
                      Delete…
                    </button>
                  </form>
                </div>
              ) : null}
            </li>
          );
        })}
      </ul>
    </ConsoleLayout>
  );
}

/** The rotated signing secret, on the answer to the rotate form itself: never redirected, never cached. */
export function WebhookSecretPage(props: {
  page: PageInfo;
  viewer: Viewer;
  csrf: string;
  hook: WebhookRow;
  secrets: { secret: string; previousSecretValidUntil: string | null };
}) {
  const { page, viewer, csrf, hook, secrets } = props;
  return (
    <ConsoleLayout page={page} title="New signing secret" viewer={viewer} csrf={csrf} path="/console/webhooks">
      <p class="notice" role="status">
        The secret of {endpointOrigin(hook.url)} (<code>{hook.id}</code>) is rotated.
      </p>
      <p>
        <strong>Copy it now: this page will not show it again.</strong>{" "}
        {secrets.previousSecretValidUntil
          ? `Deliveries carry a signature with the old secret too until ${secrets.previousSecretValidUntil}: update the receiver before then.`
          : "The old secret no longer signs: update the receiver now."}
      </p>
      <SecretOnce secret={secrets.secret} back="/console/webhooks" label="Back to webhooks" />
    </ConsoleLayout>
  );
}
