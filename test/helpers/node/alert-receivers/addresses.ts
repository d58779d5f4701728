/**
 * Plain data shared by the Node side (the receivers, the global setup, the
 * bench) and the workerd side (tests reach the receivers only over HTTP).
 */

export const ALERT_PROVIDERS = ["slack", "discord", "teams", "telegram", "ntfy", "pagerduty", "opsgenie"] as const;
export type AlertProvider = (typeof ALERT_PROVIDERS)[number];

/** Base URL of each provider's receiver, e.g. { slack: "http://127.0.0.1:41234", … }. A type: miniflare's JSON bindings need one. */
export type AlertReceiverAddresses = { [P in AlertProvider]: string };

/** The key under which the global setup provides the addresses (the `ALERT_RECEIVERS` binding in workerd). */
export const ALERT_RECEIVERS_KEY = "lookoutAlertReceivers";

/**
 * A scripted failure for the next request(s) of a scope, answered the way
 * the provider fails: its 429 (with its own Retry-After header or
 * retry_after body), a 5xx, its 400 for a bad payload, or no answer at all.
 */
export type ReceiverFailure =
  | { mode: "429"; retryAfterSeconds: number; times?: number }
  | { mode: "5xx"; status?: number; times?: number }
  | { mode: "400"; times?: number }
  | { mode: "hang"; times?: number };

/** At most `count` accepted requests per `perMs` in one scope. */
export type RateLimit = { count: number; perMs: number };

/** One request as a receiver saw it. */
export type ReceivedAlertRequest = {
  /** The first path segment: tests put their own name there so they never read each other's requests. */
  scope: string;
  method: string;
  /** The path after the scope, e.g. "/v2/enqueue" or "/bot123:abc/sendMessage". */
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: string;
  /** What breaks the provider's documented contract; empty when the request is valid. */
  violations: string[];
  /** What the receiver answered (0: it never did). */
  status: number;
  /** Answered 429 because the request came faster than the receiver's rate limit (not a scripted failure). */
  throttled: boolean;
  at: number;
};

declare module "vitest" {
  export interface ProvidedContext {
    [ALERT_RECEIVERS_KEY]: AlertReceiverAddresses;
  }
}
