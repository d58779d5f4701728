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
 *   slack      <url>/<scope>/services/T…/B…/<token>
 *   pagerduty  apiBase <url>/<scope>   (→ /v2/enqueue)
 */
import { ALERT_PROVIDERS, type AlertProvider, type AlertReceiverAddresses } from "./addresses.ts";
import { CONTRACTS } from "./contracts.ts";
import { type ReceiverOptions, type RunningAlertReceiver, startReceiver } from "./server.ts";

export type { AlertReceiverAddresses, ReceivedAlertRequest, ReceiverFailure } from "./addresses.ts";
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
  receivers: Partial<Record<AlertProvider, RunningAlertReceiver>>;
  addresses: Partial<AlertReceiverAddresses>;
  close(): Promise<void>;
}

/** Every provider's receiver; `options` per provider (e.g. { slack: { perSecond: 1 } }). */
export async function startAlertReceivers(
  options: Partial<Record<AlertProvider, ReceiverOptions>> = {},
): Promise<RunningAlertReceivers> {
  const providers = ALERT_PROVIDERS.filter((p) => CONTRACTS[p]);
  const running = await Promise.all(providers.map((p) => startAlertReceiver(p, options[p])));
  const receivers = Object.fromEntries(running.map((r) => [r.provider, r]));
  return {
    receivers,
    addresses: Object.fromEntries(running.map((r) => [r.provider, r.url])),
    close: async () => {
      await Promise.all(running.map((r) => r.close()));
    },
  };
}
