/**
 * The local stand-in for a mail relay: an SMTP server on 127.0.0.1 that keeps
 * every message `npm start`'s Lookout sends, prints a short line for each,
 * and shows them all on a page — so a newcomer sees the confirmation and
 * incident mails with no account anywhere. Development only.
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

export function startMailCatcher(): { close(): void } {
  const caught: Caught[] = [];
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

  const page = createServer((request, response) => {
    if (request.url === "/messages.json") {
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(caught));
      return;
    }
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
${items || "<p>Nothing yet. Subscribe on the status page to get a confirmation mail.</p>"}</html>`);
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

function linkify(html: string): string {
  return html.replace(/https?:\/\/[^\s<]+/g, (url) => `<a href="${url}">${url}</a>`);
}
