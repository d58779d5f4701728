/**
 * Drives a receiver over HTTP (its /_control routes, server.ts): what tests
 * in workerd use, since they reach Node only over the network.
 */
import type { RateLimit, ReceivedAlertRequest, ReceiverFailure } from "./addresses.ts";

export async function receivedBy(base: string, scope: string): Promise<ReceivedAlertRequest[]> {
  const response = await fetch(`${base}/_control/requests?scope=${encodeURIComponent(scope)}`);
  return (await response.json()) as ReceivedAlertRequest[];
}

export async function failNext(base: string, scope: string, failure: ReceiverFailure): Promise<void> {
  const response = await fetch(`${base}/_control/fail?scope=${encodeURIComponent(scope)}`, {
    method: "POST",
    body: JSON.stringify(failure),
  });
  await response.arrayBuffer();
}

export async function resetReceiver(base: string, scope: string): Promise<void> {
  await (await fetch(`${base}/_control/reset?scope=${encodeURIComponent(scope)}`, { method: "POST" })).arrayBuffer();
}

/** Limits the scope's rate as the provider would (null: no limit). */
export async function limitRate(base: string, scope: string, limit: RateLimit | null): Promise<void> {
  const response = await fetch(`${base}/_control/limit?scope=${encodeURIComponent(scope)}`, {
    method: "POST",
    body: JSON.stringify(limit),
  });
  await response.arrayBuffer();
}
