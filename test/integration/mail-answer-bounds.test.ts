import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { EmailMessage } from "../../worker/core/email/message.ts";
import { sendResend } from "../../worker/platform/email/resend-sender.ts";
import { sendSmtp } from "../../worker/platform/email/smtp-sender.ts";
import type { FloodStats, MailServerAddresses } from "../helpers/target-addresses.ts";

/**
 * The mail senders read a provider's answer only up to a small cap, against
 * real servers on loopback: an HTTP server answering 500 with 256 MB
 * (test/helpers/node/webhook-receiver.ts's flood… answer) and a TCP server
 * whose SMTP greeting never ends (test/helpers/node/smtp-servers.ts). What it
 * cost is counted by what the server managed to write before the sender hung
 * up: the kernel's loopback buffers take a few megabytes before a cancel lands
 * (test/integration/probe-http.test.ts measured 2–4 MB); the whole answer would
 * be 256 MB.
 */
const bindings = env as unknown as { WEBHOOK_RECEIVER: string; MAIL_SERVERS: MailServerAddresses };
const MOST_BUFFERED = 16 * 1_048_576;
const run = crypto.randomUUID().slice(0, 8);

function message(): EmailMessage {
  return {
    from: { name: "Acme Status", address: "status@acme.example" },
    to: `bounds-${run}@subscribers.example`,
    subject: "Bounds",
    text: "t",
    html: "<p>t</p>",
    messageId: `${crypto.randomUUID()}@acme.example`,
  };
}

/** Polls until the server saw the client hang up (or 20 s pass). */
async function hungUp(url: string): Promise<FloodStats | null> {
  const deadline = Date.now() + 20_000;
  let stats = (await (await fetch(url)).json()) as FloodStats | null;
  while (stats?.clientGone !== true && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    stats = (await (await fetch(url)).json()) as FloodStats | null;
  }
  return stats;
}

describe("a mail provider that answers without end", { timeout: 40_000 }, () => {
  it("Resend's 500 with 256 MB: the start is quoted, the rest never read", async () => {
    const name = `flood-resend-${run}`;
    // The sender POSTs to `${baseUrl}/emails`: /hooks/<name>/emails answers as <name> does.
    const results = await sendResend({ apiKey: "re_test", baseUrl: `${bindings.WEBHOOK_RECEIVER}/hooks/${name}` }, [
      message(),
    ]);
    expect(results[0]).toMatchObject({ outcome: "temporary", code: 500, reply: expect.stringMatching(/^500 x+…$/) });
    expect(String(results[0]?.reply).length).toBeLessThanOrEqual(500);
    const stats = await hungUp(`${bindings.WEBHOOK_RECEIVER}/flood/${name}`);
    expect(stats?.clientGone).toBe(true);
    expect(stats?.bytesWritten).toBeLessThan(MOST_BUFFERED);
  });

  it("an SMTP greeting line that never ends: given up on as too long, the rest never read", async () => {
    const mail = bindings.MAIL_SERVERS;
    const results = await sendSmtp({ host: mail.host, port: mail.babbling, tls: "none" }, [message()]);
    expect(results[0]).toMatchObject({
      outcome: "temporary",
      stage: "connection",
      reply: "reply line longer than 1000 characters (RFC 5321 allows 512)",
    });
    const stats = await hungUp(`${mail.http}/babbling`);
    expect(stats?.clientGone).toBe(true);
    expect(stats?.bytesWritten).toBeLessThan(MOST_BUFFERED);
  });
});
