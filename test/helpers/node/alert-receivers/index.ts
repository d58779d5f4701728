/**
 * Local receivers that speak each alerting provider's API (one small HTTP
 * server per provider on 127.0.0.1, a free port each), check every request
 * against a zod schema written from the provider's documentation
 * (docs/reference/alerting-providers.md) and fail the way the provider fails.
 * Started once by test/global-setup.ts for tests in workerd (the
 * ALERT_RECEIVERS binding; client.ts drives them over HTTP), or by the bench
 * and other Node code with startAlertReceivers().
 *
 * Addresses: every request's first path segment is a scope of the caller's
 * choosing, then the provider's own path:
 *   slack      webhook URL  <url>/<scope>/services/T…/B…/<token>
 *   discord    webhook URL  <url>/<scope>/api/webhooks/<id>/<token>
 *   teams      webhook URL  <url>/<scope>/workflows/<id>/triggers/manual/paths/invoke?api-version=…&sig=…
 *   telegram   apiBase      <url>/<scope>        (→ /bot<token>/sendMessage)
 *   ntfy       topic URL    <url>/<scope>/<topic>
 *   pagerduty  apiBase      <url>/<scope>        (→ /v2/enqueue)
 *   opsgenie   apiBase      <url>/<scope>        (→ /v2/alerts, /v2/alerts/<alias>/close)
 * test/helpers/alert-channels.ts builds a channel of each kind this way.
 */
import { ALERT_PROVIDERS, type AlertProvider, type AlertReceiverAddresses } from "./addresses.ts";
import { CONTRACTS } from "./contracts.ts";
import { type ReceiverOptions, type RunningAlertReceiver, startReceiver } from "./server.ts";

export type { AlertReceiverAddresses, RateLimit, ReceivedAlertRequest, ReceiverFailure } from "./addresses.ts";
export type { RunningAlertReceiver } from "./server.ts";

/** One provider's receiver. */
export function startAlertReceiver(
  provider: AlertProvider,
  options: ReceiverOptions = {},
): Promise<RunningAlertReceiver> {
  const contract = CONTRACTS[provider];
  if (!contract) throw new Error(`no receiver for ${provider} yet`);
  return startReceiver(contract, options);
}

export interface RunningAlertReceivers {
  receivers: Record<AlertProvider, RunningAlertReceiver>;
  addresses: AlertReceiverAddresses;
  close(): Promise<void>;
}

/** Every provider's receiver; `options` per provider (e.g. { slack: { limit: { count: 1, perMs: 1000 } } }). */
export async function startAlertReceivers(
  options: Partial<Record<AlertProvider, ReceiverOptions>> = {},
): Promise<RunningAlertReceivers> {
  const running = await Promise.all(ALERT_PROVIDERS.map((p) => startAlertReceiver(p, options[p])));
  return {
    receivers: Object.fromEntries(running.map((r) => [r.provider, r])) as Record<AlertProvider, RunningAlertReceiver>,
    addresses: Object.fromEntries(running.map((r) => [r.provider, r.url])) as AlertReceiverAddresses,
    close: async () => {
      await Promise.all(running.map((r) => r.close()));
    },
  };
}
