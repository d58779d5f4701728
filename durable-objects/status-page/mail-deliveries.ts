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
import type { DeliveryResult, EmailSender } from "../../worker/platform/email/sender.ts";
import { log } from "../../worker/platform/log.ts";
import { loadEvents } from "./events.ts";
import { claimDue, settle } from "./outbox/claims.ts";
import type { OutboxRow, Outcome } from "./outbox/rows.ts";
import { pageInfo } from "./page-info.ts";
import { markBounced, readSubscriber } from "./subscribers.ts";

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
  const info = pageInfo(sql);
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
      messageId: `${row.recipient}.${row.dedupeKey.replace(/[^a-z0-9.]/gi, ".")}@${new URL(base || "https://lookout.invalid").hostname}`,
    };
  }
}

/** One row that cannot be rendered must not hold up, or re-claim forever, the rest of its batch. */
function failedRender(error: unknown): Outcome {
  return { outcome: "permanent", reason: `could not render: ${String(error).slice(0, 200)}` };
}

/**
 * Sends what rendered, in one batch; what did not render is already an
 * outcome. `onOutcome` hears each one (by its index in `prepared`) the moment
 * it is known, before the next message goes.
 */
export async function sendMails(
  sender: EmailSender,
  prepared: readonly (EmailMessage | Outcome)[],
  onOutcome?: (index: number, outcome: Outcome) => void,
): Promise<Outcome[]> {
  const positions = prepared.flatMap((p, i) => ("to" in p ? [i] : []));
  const messages = positions.map((i) => prepared[i] as EmailMessage);
  const results: DeliveryResult[] =
    messages.length > 0
      ? await sender.send(messages, (n, result) => onOutcome?.(positions[n] as number, outcomeOf(result)))
      : [];
  let next = 0;
  return prepared.map((p) => {
    if (!("to" in p)) return p;
    const result = results[next++];
    return result ? outcomeOf(result) : { outcome: "temporary", reason: "the sender gave no answer" };
  });
}

function outcomeOf(result: DeliveryResult): Outcome {
  return result.outcome === "sent"
    ? { outcome: "sent" }
    : {
        outcome: result.outcome,
        reason: `${result.code ?? ""} ${result.reply ?? ""}`.trim() || result.outcome,
        // Only a refused recipient says the address is bad; other refusals are the relay's or ours.
        bounce: result.outcome === "permanent" && result.stage === "recipient",
        cause: result.stage === "connection" || result.stage === "authentication" ? "server" : "message",
      };
}

/**
 * One batch of due mail over one connection. Each message's outcome is
 * recorded in its own transaction as soon as the server answers it, so an
 * invocation that dies halfway (a deploy, an eviction) has already marked
 * what the server accepted: only the rest is claimed again when the lease
 * lapses, and nothing accepted is sent twice. Returns how many were sent.
 */
export async function deliverMailBatch(
  storage: DurableObjectStorage,
  env: Env,
  sender: EmailSender,
  limit: number,
): Promise<{ claimed: number; sent: number }> {
  const sql = storage.sql;
  const rows = storage.transactionSync(() => claimDue(sql, "email", Date.now(), limit));
  if (rows.length === 0) return { claimed: 0, sent: 0 };
  const prepared = await renderMails(sql, env, rows, Date.now());
  const settled = new Set<number>();
  let sent = 0;
  const record = (index: number, result: Outcome) => {
    const row = rows[index];
    if (!row || settled.has(index)) return;
    settled.add(index);
    if (result.outcome === "sent") sent++;
    storage.transactionSync(() => {
      const now = Date.now();
      settle(sql, row, result, now);
      if (result.outcome === "permanent" && result.bounce) markBounced(sql, row.recipient, result.reason, now);
    });
  };
  let outcomes: Outcome[];
  try {
    outcomes = await sendMails(sender, prepared, record);
  } catch (error) {
    log.warn("mail.batch_failed", { error });
    outcomes = rows.map(() => ({ outcome: "temporary", reason: String(error).slice(0, 200) }));
  }
  for (const i of rows.keys()) record(i, outcomes[i] ?? { outcome: "temporary", reason: "no outcome" });
  return { claimed: rows.length, sent };
}

/** The From of every mail the page sends: MAIL_FROM, or "<page> Status <noreply@page host>". */
export function parseFrom(configured: string | undefined, info: PageInfo | null): EmailMessage["from"] {
  const match = /^\s*(.*?)\s*<([^<>\s]+@[^<>\s]+)>\s*$/.exec(configured ?? "");
  if (match) return { name: match[1] || undefined, address: match[2] as string };
  if (configured?.includes("@")) return { address: configured.trim() };
  const host = info ? new URL(info.url).host : "localhost";
  return { name: `${info?.name ?? "Lookout"} Status`, address: `noreply@${host}` };
}
