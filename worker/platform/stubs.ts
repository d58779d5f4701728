import type { Monitor } from "../../durable-objects/monitor/monitor.ts";
import type { StatusPage } from "../../durable-objects/status-page/status-page.ts";
import { monitorObjectName } from "../core/monitors/report.ts";

/** Bindings and variables from wrangler.toml, .dev.vars and secrets. */
export interface Env {
  STATUS_PAGE: DurableObjectNamespace<StatusPage>;
  MONITOR: DurableObjectNamespace<Monitor>;
  /** Per-key sliding windows (itty-durable, fetch-style): subscribe rate limits. */
  RATE_LIMITER: DurableObjectNamespace;
  ASSETS: Fetcher;
  /** "local", "staging" or "production". */
  ENVIRONMENT: string;
  LOG_LEVEL?: string;
  /** Bootstrap token for the communicator API (a secret; generated into .dev.vars locally). */
  ADMIN_TOKEN?: string;
  /** Signs heartbeat monitors' URLs (a secret; generated into .dev.vars locally). */
  HEARTBEAT_SECRET?: string;
  /** Signs subscribers' confirm, manage and unsubscribe links (a secret; generated into .dev.vars locally). */
  LINK_SECRET?: string;
  /** Where links in mails point; the config's page URL when unset (`npm start` sets its local address). */
  PUBLIC_URL?: string;
  /** The sender of subscriber mail, e.g. "Acme Status <status@acme.example>". */
  MAIL_FROM?: string;
  /** SMTP relay (the production path for any provider that speaks SMTP). */
  SMTP_HOST?: string;
  SMTP_PORT?: string;
  /** "starttls" (default), "tls" (implicit, port 465) or "none" (local catchers only). */
  SMTP_TLS?: string;
  SMTP_USERNAME?: string;
  /** A secret. */
  SMTP_PASSWORD?: string;
  /** Resend's HTTP API instead of SMTP (a secret). */
  RESEND_API_KEY?: string;
  /** A Resend-compatible API elsewhere (a regional endpoint, a proxy, the tests' fake); default Resend's own. */
  RESEND_BASE_URL?: string;
  /** How long a webhook receiver gets to answer, in seconds (default 30, at most 60). */
  WEBHOOK_TIMEOUT_SECONDS?: string;
}

/** Every page lives in one StatusPage object; the name is fixed so all edges find it. */
export function statusPageStub(env: Env): DurableObjectStub<StatusPage> {
  return env.STATUS_PAGE.get(env.STATUS_PAGE.idFromName("page"));
}

/** The Monitor object for one monitor in one region, placed near that region when first created. */
export function monitorStub(env: Env, monitorId: string, region: string): DurableObjectStub<Monitor> {
  const id = env.MONITOR.idFromName(monitorObjectName(monitorId, region));
  return region === "default"
    ? env.MONITOR.get(id)
    : env.MONITOR.get(id, { locationHint: region as DurableObjectLocationHint });
}
