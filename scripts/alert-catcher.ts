/**
 * The local catcher's on-call half: `POST /alerts/slack/<name>` answers like a
 * Slack incoming webhook, `POST /alerts/webhook/<name>` like a receiver of
 * Lookout's signed generic webhook, so `npm start`'s alert channels can point
 * here and a newcomer reads the alerts, their escalation and recovery with no
 * account anywhere. It checks only what a provider would refuse outright (the
 * contract tests' receivers, test/helpers/node/alert-receivers/, check the
 * rest). Development only.
 */
import { Webhook } from "standardwebhooks";
import { escapeXml } from "../worker/core/feeds/xml.ts";

/** Slack refuses larger payloads; no alert comes near it. */
export const ALERT_BODY_LIMIT = 1_000_000;

export interface CaughtAlert {
  /** ISO time it arrived. */
  at: string;
  provider: "slack" | "webhook";
  /** The last part of its path: which channel sent it. */
  name: string;
  path: string;
  /** What a person reads first: Slack's `text`, or the notices' titles. */
  text: string;
  /** The rest, one line each: Slack's block texts and buttons, or each notice in words. */
  lines: string[];
  /** A signed webhook's signature checked against the channel's secret (null: no secret known here). */
  verified: boolean | null;
  headers: Record<string, string>;
  body: string;
}

export interface AlertAnswer {
  status: number;
  contentType: string;
  body: string;
  caught?: CaughtAlert;
}

/** `/alerts/<provider>/<name>`, or null for any other path. */
export function alertRoute(path: string): { provider: string; name: string } | null {
  const match = /^\/alerts\/([a-z]+)\/([\w.-]{1,100})$/.exec(path);
  return match ? { provider: match[1] as string, name: match[2] as string } : null;
}

/**
 * What the provider would answer to this request, and what was caught.
 * `secrets` maps a webhook channel's name here to its `whsec_` secret.
 */
export function receiveAlert(
  path: string,
  headers: Record<string, string | string[] | undefined>,
  body: string,
  secrets: ReadonlyMap<string, string>,
  at: Date = new Date(),
): AlertAnswer {
  const route = alertRoute(path);
  if (!route) return { status: 404, contentType: "text/plain", body: "no_service" };
  let payload: unknown;
  try {
    payload = JSON.parse(body);
  } catch {
    // Slack's own word for a body that is not JSON.
    return { status: 400, contentType: "text/plain", body: "invalid_payload" };
  }
  const base = { at: at.toISOString(), name: route.name, path, body, headers: {} as Record<string, string> };
  if (route.provider === "slack") {
    const slack = slackMessage(payload);
    if (!slack) return { status: 400, contentType: "text/plain", body: "no_text" };
    return {
      status: 200,
      contentType: "text/plain",
      body: "ok",
      caught: { ...base, provider: "slack", ...slack, verified: null },
    };
  }
  if (route.provider === "webhook") {
    const notices = webhookNotices(payload);
    if (!notices) return { status: 400, contentType: "text/plain", body: "not a Lookout alert payload" };
    const signed = Object.fromEntries(
      ["webhook-id", "webhook-timestamp", "webhook-signature"].map((name) => [name, String(headers[name] ?? "")]),
    );
    const secret = secrets.get(route.name);
    let verified: boolean | null = null;
    if (secret) {
      try {
        new Webhook(secret).verify(body, signed);
        verified = true;
      } catch {
        verified = false;
      }
    }
    return {
      status: 204,
      contentType: "text/plain",
      body: "",
      caught: { ...base, provider: "webhook", headers: signed, verified, ...notices },
    };
  }
  return { status: 404, contentType: "text/plain", body: "no_service" };
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null;
const textOf = (value: unknown): string | null =>
  isObject(value) && typeof value.text === "string" ? value.text : typeof value === "string" ? value : null;

/** Slack's `text` and what its blocks say (headers, sections, fields, context, buttons with their links). */
function slackMessage(payload: unknown): { text: string; lines: string[] } | null {
  if (!isObject(payload)) return null;
  const blocks = Array.isArray(payload.blocks) ? payload.blocks.filter(isObject) : [];
  const text = typeof payload.text === "string" ? payload.text : "";
  if (!text && blocks.length === 0) return null;
  const lines: string[] = [];
  for (const block of blocks) {
    const own = textOf(block.text);
    if (own) lines.push(own);
    for (const field of Array.isArray(block.fields) ? block.fields : []) {
      const said = textOf(field);
      if (said) lines.push(said);
    }
    for (const element of Array.isArray(block.elements) ? block.elements : []) {
      if (!isObject(element)) continue;
      const label = textOf(element.text) ?? textOf(element);
      if (label && typeof element.url === "string") lines.push(`[${label}] ${element.url}`);
      else if (label) lines.push(label);
    }
  }
  return { text: text || (lines[0] ?? ""), lines };
}

/** The generic webhook's notices in words (README "Alert payloads"). */
function webhookNotices(payload: unknown): { text: string; lines: string[] } | null {
  if (!isObject(payload) || payload.type !== "lookout.alerts" || !Array.isArray(payload.notices)) return null;
  const notices = payload.notices.filter(isObject);
  const lines = notices.map((notice) => {
    const components = Array.isArray(notice.components)
      ? notice.components.map((c) => (isObject(c) ? String(c.name ?? c.id ?? "") : "")).filter(Boolean)
      : [];
    const links = isObject(notice.links)
      ? Object.entries(notice.links)
          .filter(([, url]) => typeof url === "string")
          .map(([what, url]) => `${what}: ${url}`)
      : [];
    return [
      `[${String(notice.notice ?? "?")}] ${String(notice.title ?? "")}`,
      notice.summary ? `  ${String(notice.summary)}` : "",
      components.length > 0 ? `  components: ${components.join(", ")}` : "",
      ...links.map((link) => `  ${link}`),
    ]
      .filter(Boolean)
      .join("\n");
  });
  const titles = notices.map((notice) => `${String(notice.notice ?? "?")}: ${String(notice.title ?? "")}`);
  return { text: titles.join(" · ") || "(no notices)", lines };
}

/** The alerts' section of the catcher's page, newest first. */
export function alertsSection(alerts: readonly CaughtAlert[], base: string, linkify: (html: string) => string): string {
  const items = alerts
    .map((alert) => {
      const signature =
        alert.verified === null ? "" : alert.verified ? " · signature verified" : " · signature DOES NOT verify";
      return `<article><h2>${escapeXml(alert.text)}</h2><p class="meta">${escapeXml(alert.at)} · ${alert.provider} → ${escapeXml(alert.path)}${signature}</p>
<pre>${linkify(escapeXml(alert.lines.join("\n")))}</pre></article>`;
    })
    .join("\n");
  return `<h1 id="alerts">On-call alerts Lookout sent (local only)</h1><p class="meta">${alerts.length} message(s), newest first. Slack-style channels post to ${escapeXml(base)}/alerts/slack/&lt;name&gt;, generic webhooks to ${escapeXml(base)}/alerts/webhook/&lt;name&gt;.</p>
${items || "<p>Nothing yet. Break a demo service (see npm start's output) to raise one.</p>"}`;
}
