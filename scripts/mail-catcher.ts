/**
 * The local stand-in for a mail relay and a webhook receiver: an SMTP server
 * on 127.0.0.1 that keeps every message `npm start`'s Lookout sends, and
 * `POST /webhooks/…` on the page's port that keeps every webhook delivery;
 * and `POST /alerts/…` (scripts/alert-catcher.ts) that catches on-call alerts;
 * it prints a short line for each and shows them all on one page — so a
 * newcomer sees the confirmation and incident mails, the signed webhooks and
 * the alerts with no account anywhere. Development only.
 */
import { createServer } from "node:http";
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import { escapeXml } from "../worker/core/feeds/xml.ts";
import { ALERT_BODY_LIMIT, alertRoute, alertsSection, type CaughtAlert, receiveAlert } from "./alert-catcher.ts";

export const MAIL_CATCHER_SMTP_PORT = Number(process.env.MAIL_CATCHER_SMTP_PORT ?? 2525);
export const MAIL_CATCHER_HTTP_PORT = Number(process.env.MAIL_CATCHER_HTTP_PORT ?? 8025);

interface Caught {
  at: string;
  to: string;
  subject: string;
  text: string;
}

interface CaughtWebhook {
  at: string;
  path: string;
  /** The Standard Webhooks headers, to compare with a verifier's view. */
  headers: Record<string, string>;
  body: string;
}

export interface MailCatcherOptions {
  smtpPort?: number;
  httpPort?: number;
  /** Generic-webhook alert channels' `whsec_` secrets by the name in their path, to check signatures. */
  alertSecrets?: ReadonlyMap<string, string>;
  log?: (line: string) => void;
}

export function startMailCatcher(options: MailCatcherOptions = {}): { ready: Promise<void>; close(): void } {
  const smtpPort = options.smtpPort ?? MAIL_CATCHER_SMTP_PORT;
  const httpPort = options.httpPort ?? MAIL_CATCHER_HTTP_PORT;
  const alertSecrets = options.alertSecrets ?? new Map<string, string>();
  const log = options.log ?? console.log;
  const caught: Caught[] = [];
  const webhooks: CaughtWebhook[] = [];
  const alerts: CaughtAlert[] = [];
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    banner: "Lookout's local mail catcher",
    onData(stream, session, callback) {
      simpleParser(stream).then(
        (mail: ParsedMail) => {
          const to = session.envelope.rcptTo.map((r) => r.address).join(", ");
          const entry: Caught = {
            at: new Date().toISOString(),
            to,
            subject: mail.subject ?? "(no subject)",
            text: mail.text ?? "",
          };
          caught.unshift(entry);
          caught.length = Math.min(caught.length, 500);
          log(`  ✉  to ${to}: ${entry.subject}   (read it at http://127.0.0.1:${httpPort}/)`);
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  smtp.on("error", (error) => console.error(`mail catcher: ${error.message}`));
  smtp.listen(smtpPort, "127.0.0.1");

  const page = createServer(async (request, response) => {
    if (request.method === "POST" && alertRoute(request.url ?? "")) {
      const body = await readAtMost(request, ALERT_BODY_LIMIT);
      if (body === null) {
        // The rest of the body is never read, so the connection cannot carry another request.
        response.writeHead(413, { "content-type": "text/plain", connection: "close" }).end("request_too_large");
        return;
      }
      const answer = receiveAlert(request.url ?? "", request.headers, body, alertSecrets);
      if (answer.caught) {
        alerts.unshift(answer.caught);
        alerts.length = Math.min(alerts.length, 500);
        log(
          `  🔔 ${answer.caught.provider} alert to ${answer.caught.name}: ${answer.caught.text.split("\n")[0]}   (read it at http://127.0.0.1:${httpPort}/)`,
        );
      }
      response.writeHead(answer.status, { "content-type": answer.contentType }).end(answer.body);
      return;
    }
    if (request.method === "POST" && request.url?.startsWith("/webhooks/")) {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const body = Buffer.concat(chunks).toString("utf8");
      const headers = Object.fromEntries(
        ["webhook-id", "webhook-timestamp", "webhook-signature"].map((name) => [name, String(request.headers[name])]),
      );
      webhooks.unshift({ at: new Date().toISOString(), path: request.url, headers, body });
      webhooks.length = Math.min(webhooks.length, 500);
      const type = /"event_type":"([^"]+)"/.exec(body)?.[1] ?? "?";
      log(`  ↪  webhook ${type} to ${request.url}   (read it at http://127.0.0.1:${httpPort}/)`);
      response.writeHead(204).end();
      return;
    }
    if (request.url === "/messages.json") {
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(caught));
      return;
    }
    if (request.url === "/alerts.json") {
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(alerts));
      return;
    }
    if (request.url === "/webhooks.json") {
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(webhooks));
      return;
    }
    const hooks = webhooks
      .map(
        (w) => `<article><h2>${escapeXml(w.path)}</h2><p class="meta">${escapeXml(w.at)} · ${Object.entries(w.headers)
          .map(([k, v]) => `${escapeXml(k)}: ${escapeXml(v)}`)
          .join(" · ")}</p>
<pre>${escapeXml(pretty(w.body))}</pre></article>`,
      )
      .join("\n");
    const items = caught
      .map(
        (m) => `<article><h2>${escapeXml(m.subject)}</h2><p class="meta">${escapeXml(m.at)} · to ${escapeXml(m.to)}</p>
<pre>${linkify(escapeXml(m.text))}</pre></article>`,
      )
      .join("\n");
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(`<!DOCTYPE html>
<html lang="en"><meta charset="utf-8"><title>Lookout local outbox</title>
<style>body{font:16px system-ui;max-width:50em;margin:2em auto;padding:0 1em}pre{white-space:pre-wrap;background:#f4f4f4;padding:1em}.meta{color:#555}</style>
<p><a href="#alerts">On-call alerts</a> · <a href="#mail">Mail</a> · <a href="#webhooks">Webhooks</a></p>
${alertsSection(alerts, `http://127.0.0.1:${httpPort}`, linkify)}
<h1 id="mail">Mail Lookout sent (local only)</h1><p class="meta">${caught.length} message(s), newest first. Reload to see new ones.</p>
${items || "<p>Nothing yet. Subscribe on the status page to get a confirmation mail.</p>"}
<h1 id="webhooks">Webhooks Lookout sent (local only)</h1><p class="meta">${webhooks.length} deliveries, newest first; register http://127.0.0.1:${httpPort}/webhooks/anything as an endpoint.</p>
${hooks || "<p>Nothing yet.</p>"}</html>`);
  });
  page.on("error", (error) => console.error(`mail catcher page: ${error.message}`));
  const ready = Promise.all(
    [smtp.server, page].map((server) => new Promise<void>((resolve) => server.once("listening", () => resolve()))),
  ).then(() => undefined);
  page.listen(httpPort, "127.0.0.1");
  return {
    ready,
    close() {
      smtp.close();
      page.close();
    },
  };
}

/** The request's body as text, or null once it passes `limit` bytes (the rest is not read). */
async function readAtMost(request: AsyncIterable<unknown>, limit: number): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function pretty(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

function linkify(html: string): string {
  return html.replace(/https?:\/\/[^\s<]+/g, (url) => `<a href="${url}">${url}</a>`);
}
