import type { EmailMessage } from "../../worker/core/email/message.ts";
import type { PageInfo } from "../../worker/core/read-model.ts";
import {
  alreadySubscribedEmail,
  confirmationEmail,
  type MailContent,
  reminderEmail,
  updateEmail,
} from "../../worker/core/subscribers/emails.ts";
import { CONFIRM_LINK_MS, confirmPath, managePath } from "../../worker/core/subscribers/links.ts";
import type { DeliveryResult, EmailSender } from "../../worker/email/sender.ts";
import type { Env } from "../../worker/env.ts";
import { loadEvents } from "./events.ts";
import type { OutboxRow, Outcome } from "./outbox.ts";
import { readMeta } from "./schema.ts";
import { readSubscriber } from "./subscribers.ts";

/**
 * Turns claimed outbox rows into mails. Rendering happens at send time from
 * the stored update (its words never change), so a queued row is a few bytes
 * whatever it announces. A row that can no longer be rendered (its subscriber
 * left, its event was made internal) is settled as permanent without sending.
 */
export async function renderMails(
  sql: SqlStorage,
  env: Env,
  rows: readonly OutboxRow[],
  now: number,
): Promise<(EmailMessage | Outcome)[]> {
  const info = JSON.parse(readMeta(sql, "page") ?? "null") as PageInfo | null;
  const from = parseFrom(env.MAIL_FROM, info);
  const base = (env.PUBLIC_URL ?? info?.url ?? "").replace(/\/$/, "");
  const secret = env.LINK_SECRET;
  const names = new Map(
    sql
      .exec<{ id: string; name: string }>(`SELECT id, name FROM components`)
      .toArray()
      .map((row) => [row.id, row.name]),
  );
  return Promise.all(rows.map((row) => renderOne(row).catch((error) => failedRender(error))));

  async function renderOne(row: OutboxRow): Promise<EmailMessage | Outcome> {
    if (!info || !secret) return { outcome: "temporary", reason: "LINK_SECRET or the page is not configured yet" };
    const subscriber = readSubscriber(sql, row.recipient);
    const wanted = row.kind === "confirm" ? ["pending"] : ["confirmed"];
    if (!subscriber || !wanted.includes(subscriber.state)) {
      return { outcome: "permanent", reason: `subscriber is ${subscriber?.state ?? "gone"}` };
    }
    const manage = `${base}${await managePath(secret, subscriber.id)}`;
    const links = { manage, unsubscribe: `${manage}/unsubscribe` };
    let content: MailContent;
    if (row.kind === "confirm") {
      const confirm = `${base}${await confirmPath(secret, subscriber.id, now + CONFIRM_LINK_MS)}`;
      content = confirmationEmail(info, confirm, links);
    } else if (row.kind === "already") {
      content = alreadySubscribedEmail(info, links);
    } else if (row.kind === "reminder") {
      const maintenance = loadEvents(sql, { where: `visibility = 'public' AND id = ?`, params: [row.ref] })[0];
      if (maintenance?.kind !== "maintenance" || maintenance.status !== "scheduled") {
        return { outcome: "permanent", reason: "the maintenance is no longer upcoming" };
      }
      content = reminderEmail(info, maintenance, names, `${base}/maintenances/${maintenance.id}`, links);
    } else {
      const event = loadEvents(sql, {
        where: `visibility = 'public' AND id = (SELECT incident_id FROM incident_updates WHERE id = ?)`,
        params: [row.ref],
      })[0];
      const update = event?.updates.find((u) => u.id === row.ref);
      if (!event || !update) return { outcome: "permanent", reason: "the update is no longer public" };
      const path = `/${event.kind === "maintenance" ? "maintenances" : "incidents"}/${event.id}`;
      content = updateEmail(info, event, update, names, `${base}${path}`, links);
    }
    return {
      from,
      to: subscriber.address,
      subject: content.subject,
      text: content.text,
      html: content.html,
      headers: content.headers,
      // Stable per (subscriber, event): a retry carries the same id, so a mailbox can drop a duplicate.
      messageId: `${row.recipient}.${row.event.replace(/[^a-z0-9.]/gi, ".")}@${new URL(base || "https://lookout.invalid").hostname}`,
    };
  }
}

/** One row that cannot be rendered must not hold up, or re-claim forever, the rest of its batch. */
function failedRender(error: unknown): Outcome {
  return { outcome: "permanent", reason: `could not render: ${String(error).slice(0, 200)}` };
}

/** Sends what rendered, in one batch; what did not render is already an outcome. */
export async function sendMails(
  sender: EmailSender,
  prepared: readonly (EmailMessage | Outcome)[],
): Promise<Outcome[]> {
  const messages = prepared.filter((p): p is EmailMessage => "to" in p);
  const results: DeliveryResult[] = messages.length > 0 ? await sender.send(messages) : [];
  let next = 0;
  return prepared.map((p) => {
    if (!("to" in p)) return p;
    const result = results[next++];
    if (!result) return { outcome: "temporary", reason: "the sender gave no answer" };
    return result.outcome === "sent"
      ? { outcome: "sent" }
      : {
          outcome: result.outcome,
          reason: `${result.code ?? ""} ${result.reply ?? ""}`.trim() || result.outcome,
          // Only a refused recipient says the address is bad; other refusals are the relay's or ours.
          bounce: result.outcome === "permanent" && result.stage === "recipient",
          cause: result.stage === "connection" || result.stage === "authentication" ? "server" : "message",
        };
  });
}

function parseFrom(configured: string | undefined, info: PageInfo | null): EmailMessage["from"] {
  const match = /^\s*(.*?)\s*<([^<>\s]+@[^<>\s]+)>\s*$/.exec(configured ?? "");
  if (match) return { name: match[1] || undefined, address: match[2] as string };
  if (configured?.includes("@")) return { address: configured.trim() };
  const host = info ? new URL(info.url).host : "localhost";
  return { name: `${info?.name ?? "Lookout"} Status`, address: `noreply@${host}` };
}
