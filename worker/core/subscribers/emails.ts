import { escapeXml as escapeHtml } from "../feeds/xml.ts";
import type { IncidentUpdateView, IncidentView, MaintenanceView, PageInfo } from "../read-model.ts";
import { formatExact } from "../reports/exact-time.ts";
import { COMPONENT_STATUS_LABELS, IMPACT_LABELS, INCIDENT_STATUS_LABELS } from "../statuses.ts";

/** What a subscriber's mail says; the sender wraps it in MIME. */
export interface MailContent {
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
}

export interface MailLinks {
  /** Absolute: where the subscriber manages components or leaves. */
  manage: string;
  /** Absolute: RFC 8058 one-click unsubscribe (POST). */
  unsubscribe: string;
}

/** RFC 8058: mail clients offer "unsubscribe" and POST to it without opening anything. */
function unsubscribeHeaders(links: MailLinks): Record<string, string> {
  return { "List-Unsubscribe": `<${links.unsubscribe}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" };
}

function footer(links: MailLinks): { text: string; html: string } {
  return {
    text: `\n--\nChoose components or unsubscribe: ${links.manage}\nUnsubscribe now: ${links.unsubscribe}\n`,
    html: `<hr><p style="color:#555;font-size:13px">Choose components or unsubscribe: <a href="${escapeHtml(links.manage)}">manage your subscription</a>.</p>`,
  };
}

function page(html: string): string {
  return `<!DOCTYPE html><html lang="en"><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#111;max-width:40em">${html}</body></html>`;
}

export function confirmationEmail(info: PageInfo, confirm: string, links: MailLinks): MailContent {
  const end = footer(links);
  return {
    subject: `Confirm your subscription to ${info.name} status`,
    text:
      `Someone (we hope you) asked to get ${info.name} status updates at this address.\n\n` +
      `Confirm here: ${confirm}\n\nThe link works for 48 hours. If you did not ask, ignore this mail: nothing more will be sent.\n${end.text}`,
    html: page(
      `<p>Someone (we hope you) asked to get <strong>${escapeHtml(info.name)}</strong> status updates at this address.</p>` +
        `<p><a href="${escapeHtml(confirm)}">Confirm your subscription</a></p>` +
        `<p>The link works for 48 hours. If you did not ask, ignore this mail: nothing more will be sent.</p>${end.html}`,
    ),
    headers: unsubscribeHeaders(links),
  };
}

export function alreadySubscribedEmail(info: PageInfo, links: MailLinks): MailContent {
  const end = footer(links);
  return {
    subject: `You are subscribed to ${info.name} status`,
    text: `Someone asked to subscribe this address to ${info.name} status updates. It already is; nothing has changed.\n${end.text}`,
    html: page(
      `<p>Someone asked to subscribe this address to <strong>${escapeHtml(info.name)}</strong> status updates. It already is; nothing has changed.</p>${end.html}`,
    ),
    headers: unsubscribeHeaders(links),
  };
}

/** A maintenance starts within the hour: when, what it touches, what was said about it. */
export function reminderEmail(
  info: PageInfo,
  maintenance: MaintenanceView,
  componentNames: ReadonlyMap<string, string>,
  eventUrl: string,
  links: MailLinks,
): MailContent {
  const latest = maintenance.updates[0];
  if (!latest) throw new Error("a maintenance always has its first update");
  const reminder = { ...latest, body: `Starting soon. ${latest.body}` };
  const content = updateEmail(info, maintenance, reminder, componentNames, eventUrl, links);
  return { ...content, subject: `[Maintenance] Starting soon: ${maintenance.name}`.replace(/[\r\n]+/g, " ") };
}

/**
 * One update of an incident or maintenance: what is affected, the status and
 * impact now, the update's words, a link to the page.
 */
export function updateEmail(
  info: PageInfo,
  event: IncidentView | MaintenanceView,
  update: IncidentUpdateView,
  componentNames: ReadonlyMap<string, string>,
  eventUrl: string,
  links: MailLinks,
): MailContent {
  const status = INCIDENT_STATUS_LABELS[update.status];
  const affected = event.componentIds.map((id) => componentNames.get(id) ?? id);
  const changes = (update.affectedComponents ?? []).map((c) => `${c.name}: ${COMPONENT_STATUS_LABELS[c.newStatus]}`);
  const when = formatExact(Date.parse(update.displayAt), info.timeZone);
  const facts = [
    `Status: ${status}`,
    `Impact: ${IMPACT_LABELS[event.impact]}`,
    ...(affected.length ? [`Affects: ${affected.join(", ")}`] : []),
    ...(changes.length ? [`Now: ${changes.join("; ")}`] : []),
    ...(event.kind === "maintenance"
      ? [
          `Window: ${formatExact(Date.parse(event.scheduledFor), info.timeZone)} – ${formatExact(Date.parse(event.scheduledUntil), info.timeZone)}`,
        ]
      : []),
  ];
  const end = footer(links);
  const prefix = event.kind === "maintenance" ? "[Maintenance] " : "";
  return {
    subject: `${prefix}[${status}] ${event.name}`.replace(/[\r\n]+/g, " "),
    text: `${event.name}\n${facts.join("\n")}\n\n${update.body}\n\n${when}\n${eventUrl}\n${end.text}`,
    html: page(
      `<h1 style="font-size:20px">${escapeHtml(event.name)}</h1>` +
        `<p>${facts.map(escapeHtml).join("<br>")}</p>` +
        `<p>${escapeHtml(update.body).replace(/\n/g, "<br>")}</p>` +
        `<p style="color:#555">${escapeHtml(when)} · <a href="${escapeHtml(eventUrl)}">Follow on the status page</a></p>${end.html}`,
    ),
    headers: unsubscribeHeaders(links),
  };
}
