/**
 * The local stand-in for a mail relay and a webhook receiver: an SMTP server
 * on 127.0.0.1 that keeps every message `npm start`'s Lookout sends, and
 * `POST /webhooks/…` on the page's port that keeps every webhook delivery;
 * it prints a short line for each and shows them all on one page — so a
 * newcomer sees the confirmation and incident mails and the signed webhooks
 * with no account anywhere. Development only.
 */
import { createServer } from "node:http";
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import { escapeXml } from "../worker/core/feeds/xml.ts";

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

export function startMailCatcher(): { close(): void } {
  const caught: Caught[] = [];
  const webhooks: CaughtWebhook[] = [];
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
          console.log(`  ✉  to ${to}: ${entry.subject}   (read it at http://127.0.0.1:${MAIL_CATCHER_HTTP_PORT}/)`);
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  smtp.on("error", (error) => console.error(`mail catcher: ${error.message}`));
  smtp.listen(MAIL_CATCHER_SMTP_PORT, "127.0.0.1");

  const page = createServer(async (request, response) => {
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
      console.log(`  ↪  webhook ${type} to ${request.url}   (read it at http://127.0.0.1:${MAIL_CATCHER_HTTP_PORT}/)`);
      response.writeHead(204).end();
      return;
    }
    if (request.url === "/messages.json") {
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(caught));
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
<h1>Mail Lookout sent (local only)</h1><p class="meta">${caught.length} message(s), newest first. Reload to see new ones.</p>
${items || "<p>Nothing yet. Subscribe on the status page to get a confirmation mail.</p>"}
<h1>Webhooks Lookout sent (local only)</h1><p class="meta">${webhooks.length} deliveries, newest first; register http://127.0.0.1:${MAIL_CATCHER_HTTP_PORT}/webhooks/anything as an endpoint.</p>
${hooks || "<p>Nothing yet.</p>"}</html>`);
  });
  page.on("error", (error) => console.error(`mail catcher page: ${error.message}`));
  page.listen(MAIL_CATCHER_HTTP_PORT, "127.0.0.1");
  return {
    close() {
      smtp.close();
      page.close();
    },
  };
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
