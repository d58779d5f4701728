import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { EmailMessage } from "../../worker/core/email/message.ts";
import { sendResend } from "../../worker/platform/email/resend-sender.ts";
import { smtpSender } from "../../worker/platform/email/sender.ts";
import { type SmtpConfig, sendSmtp } from "../../worker/platform/email/smtp-sender.ts";
import {
  MAIL_AUTH_PASSWORD,
  MAIL_AUTH_USER,
  type MailServerAddresses,
  RESEND_TEST_KEY,
  type ReceivedMail,
  type TargetAddresses,
} from "../helpers/target-addresses.ts";

/**
 * The SMTP and HTTP senders inside workerd, with its own connect() and
 * fetch(), against real servers the global setup started on 127.0.0.1
 * (test/helpers/node/smtp-servers.ts). What arrived is read back, parsed by
 * mailparser, over the servers' HTTP side.
 */

const bindings = env as unknown as { MAIL_SERVERS: MailServerAddresses; TARGETS: TargetAddresses };
const mail = bindings.MAIL_SERVERS;
const targets = bindings.TARGETS;

async function receivedBy(address: string): Promise<ReceivedMail[]> {
  const response = await fetch(`${mail.http}/messages?to=${encodeURIComponent(address)}`);
  return (await response.json()) as ReceivedMail[];
}

/** A fresh address per message, so tests (and the three projects' runs) never see each other's mail. */
function address(prefix: string): string {
  return `${prefix}-${crypto.randomUUID()}@subscribers.example`;
}

function message(to: string, overrides: Partial<EmailMessage> = {}): EmailMessage {
  const id = crypto.randomUUID();
  return {
    from: { name: "Acme Status", address: "status@acme.example" },
    to,
    subject: "Investigating: API errors",
    text: `We are investigating errors on the API.\n\nhttps://status.acme.example/incidents/${id}\n`,
    html: `<p>We are investigating errors on the <b>API</b>.</p>\n<p><a href="https://status.acme.example/incidents/${id}">Details</a></p>`,
    headers: {
      "List-Unsubscribe": `<https://status.acme.example/subscriptions/${id}/unsubscribe>`,
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    },
    messageId: `${id}@status.acme.example`,
    ...overrides,
  };
}

const plain = (port: number, extra: Partial<SmtpConfig> = {}): SmtpConfig => ({
  host: mail.host,
  port,
  tls: "none",
  replyTimeoutMs: 2_000,
  batchTimeoutMs: 10_000,
  ...extra,
});

describe("sendSmtp against real SMTP servers", () => {
  it("delivers a batch of three on one connection, each exactly once and intact", async () => {
    const batch = [
      message(address("ada")),
      message(address("grace"), {
        subject: "Résolu : la base de données répond de nouveau — 数据库已恢复 ✅",
        text: `Tout va bien.\n.\nUne ligne qui commence par un point, et une très longue ligne: ${"x".repeat(1_500)}`,
        html: "<p>Tout va bien. 数据库已恢复</p>\n<p>.</p>",
      }),
      message(address("alan"), { from: { name: 'Acme "Ops", Status', address: "status@acme.example" } }),
    ];
    const results = await smtpSender(plain(mail.normal)).send(batch);

    expect(results.map((r) => r.outcome)).toEqual(["sent", "sent", "sent"]);
    for (const result of results) {
      expect(result).toMatchObject({ stage: "sent", code: 250 });
    }
    for (const sent of batch) {
      const arrived = await receivedBy(sent.to);
      expect(arrived).toHaveLength(1);
      const [got] = arrived as [ReceivedMail];
      expect(got.envelope).toEqual({ from: "status@acme.example", to: [sent.to] });
      expect(got.subject).toBe(sent.subject);
      expect(got.from).toEqual({ name: sent.from.name, address: sent.from.address });
      expect(got.to).toEqual([sent.to]);
      expect(got.messageId).toBe(`<${sent.messageId}>`);
      expect(got.text?.trimEnd()).toBe(sent.text.trimEnd());
      expect(got.html?.trimEnd()).toBe(sent.html.trimEnd());
      expect(got.headers["list-unsubscribe"]).toBe(sent.headers?.["List-Unsubscribe"]);
      expect(got.headers["list-unsubscribe-post"]).toBe("List-Unsubscribe=One-Click");
      // On the wire: CRLF only, no line over 998 characters.
      expect(got.raw).not.toMatch(/\r(?!\n)|(?<!\r)\n/);
      expect(Math.max(...got.raw.split("\r\n").map((line) => line.length))).toBeLessThanOrEqual(998);
    }
  });

  it("marks every message temporary when the server answers 421 to MAIL FROM", async () => {
    const batch = [message(address("a")), message(address("b")), message(address("c"))];
    const results = await sendSmtp(plain(mail.closing), batch);
    expect(results).toHaveLength(3);
    for (const result of results) {
      expect(result).toMatchObject({ outcome: "temporary", stage: "connection", code: 421 });
      expect(result.reply).toMatch(/^421 /);
    }
  });

  it("marks the message and the rest temporary when the connection drops mid-DATA", async () => {
    const batch = [message(address("first")), message(address("drop")), message(address("last"))];
    const results = await sendSmtp(plain(mail.dropping), batch);
    expect(results.map((r) => r.outcome)).toEqual(["sent", "temporary", "temporary"]);
    expect(results[1]).toMatchObject({ stage: "connection" });
    expect(results[1]?.code).toBeUndefined();
  });

  it("gives a refused recipient a permanent result and sends the others", async () => {
    const batch = [message(address("before")), message(address("unknown")), message(address("after"))];
    const results = await sendSmtp(plain(mail.rejecting), batch);
    expect(results.map((r) => r.outcome)).toEqual(["sent", "permanent", "sent"]);
    expect(results[1]).toMatchObject({ stage: "recipient", code: 550 });
    expect(results[1]?.reply).toContain("No such user");
    expect(await receivedBy(batch[0]?.to ?? "")).toHaveLength(1);
    expect(await receivedBy(batch[1]?.to ?? "")).toHaveLength(0);
    expect(await receivedBy(batch[2]?.to ?? "")).toHaveLength(1);
  });

  it("authenticates with PLAIN, and with LOGIN, when the password is right", async () => {
    const to = [address("plain"), address("login")];
    const auth = { username: MAIL_AUTH_USER, password: MAIL_AUTH_PASSWORD };
    const viaPlain = await sendSmtp(plain(mail.auth, { auth }), [message(to[0] ?? "")]);
    const viaLogin = await sendSmtp(plain(mail.auth, { auth: { ...auth, mechanism: "LOGIN" } }), [
      message(to[1] ?? ""),
    ]);
    expect(viaPlain[0]?.outcome).toBe("sent");
    expect(viaLogin[0]?.outcome).toBe("sent");
    for (const recipient of to) {
      const [got] = await receivedBy(recipient);
      expect(got).toMatchObject({ server: "auth", user: MAIL_AUTH_USER });
    }
  });

  it("calls a wrong password permanent (535) for every message, and sends nothing", async () => {
    const batch = [message(address("a")), message(address("b"))];
    const results = await sendSmtp(plain(mail.auth, { auth: { username: MAIL_AUTH_USER, password: "wrong" } }), batch);
    for (const result of results) {
      expect(result).toMatchObject({ outcome: "permanent", stage: "authentication", code: 535 });
    }
    expect(await receivedBy(batch[0]?.to ?? "")).toHaveLength(0);
  });

  it("is refused by a server that requires AUTH when none is configured", async () => {
    const results = await sendSmtp(plain(mail.auth), [message(address("noauth"))]);
    expect(results[0]).toMatchObject({ outcome: "permanent", stage: "sender", code: 530 });
  });

  // Which limit ended the wait is in the words of the result, not in how long the test took.
  it("gives up on a server that accepts and never answers, at the reply timeout", async () => {
    const results = await sendSmtp(
      { host: targets.tcp.hostname, port: targets.tcp.port, tls: "none", replyTimeoutMs: 300, batchTimeoutMs: 60_000 },
      [message(address("a")), message(address("b"))],
    );
    expect(results).toHaveLength(2);
    for (const result of results) {
      expect(result).toMatchObject({
        outcome: "temporary",
        stage: "connection",
        reply: "timeout: no reply within 300 ms",
      });
    }
  });

  it("stops at the batch deadline, before the reply timeout", async () => {
    const results = await sendSmtp(
      { host: targets.tcp.hostname, port: targets.tcp.port, tls: "none", replyTimeoutMs: 60_000, batchTimeoutMs: 300 },
      [message(address("a"))],
    );
    expect(results[0]).toMatchObject({ outcome: "temporary", reply: "batch deadline of 300 ms passed" });
  });

  it("calls a refused connection temporary", async () => {
    const results = await sendSmtp(
      { host: targets.refused.hostname, port: targets.refused.port, tls: "none", replyTimeoutMs: 1_000 },
      [message(address("a"))],
    );
    expect(results[0]).toMatchObject({ outcome: "temporary", stage: "connection" });
  });

  it("sends nothing in plain text when STARTTLS is required and not offered", async () => {
    const to = address("clear");
    const results = await sendSmtp(plain(mail.rejecting, { tls: "starttls" }), [message(to)]);
    expect(results[0]).toMatchObject({ outcome: "temporary", stage: "connection" });
    expect(results[0]?.reply).toMatch(/does not offer STARTTLS/);
    expect(await receivedBy(to)).toHaveLength(0);
  });

  it("upgrades with STARTTLS when offered, and refuses a certificate nobody trusts", async () => {
    const to = address("tls");
    const results = await sendSmtp(plain(mail.normal, { tls: "starttls" }), [message(to)]);
    expect(results[0]).toMatchObject({ outcome: "temporary", stage: "connection" });
    expect(await receivedBy(to)).toHaveLength(0);
  });

  it("refuses an implicit-TLS server's untrusted certificate", async () => {
    const to = address("smtps");
    const results = await sendSmtp(plain(mail.implicitTls, { tls: "implicit" }), [message(to)]);
    expect(results[0]).toMatchObject({ outcome: "temporary", stage: "connection" });
    expect(await receivedBy(to)).toHaveLength(0);
  });

  it("answers a message it cannot write without a transaction, and sends the rest", async () => {
    const good = address("good");
    const results = await sendSmtp(plain(mail.normal), [
      message("not an address"),
      message(address("bad"), { headers: { "X-Evil": "a\r\nBcc: victim@example.com" } }),
      message(good),
    ]);
    expect(results.map((r) => [r.outcome, r.stage])).toEqual([
      ["permanent", "recipient"],
      ["permanent", "content"],
      ["sent", "sent"],
    ]);
    expect(await receivedBy(good)).toHaveLength(1);
  });

  it("answers an empty batch without connecting", async () => {
    expect(await sendSmtp({ host: "mail.invalid", port: 25, tls: "none" }, [])).toEqual([]);
  });
});

describe("sendResend against a local server playing Resend", () => {
  const config = { apiKey: RESEND_TEST_KEY, baseUrl: `${mail.http}/resend`, requestTimeoutMs: 2_000 };

  async function resendReceived(to: string) {
    const response = await fetch(`${mail.http}/resend/received?to=${encodeURIComponent(to)}`);
    return (await response.json()) as { to: string; body: Record<string, unknown>; idempotencyKey: string | null }[];
  }

  it("sends each message as one request: 200 is sent, 422 permanent, and the batch goes on", async () => {
    const batch = [message(address("ok")), message(address("invalid")), message(address("fine"))];
    const results = await sendResend(config, batch);
    expect(results.map((r) => r.outcome)).toEqual(["sent", "permanent", "sent"]);
    expect(results[0]).toMatchObject({ stage: "sent", code: 200 });
    expect(results[1]).toMatchObject({ stage: "request", code: 422 });
    expect(results[1]?.reply).toContain("Invalid `to` field");

    const [first] = await resendReceived(batch[0]?.to ?? "");
    expect(first?.idempotencyKey).toBe(batch[0]?.messageId);
    expect(first?.body).toMatchObject({
      from: '"Acme Status" <status@acme.example>',
      to: [batch[0]?.to],
      subject: batch[0]?.subject,
      text: batch[0]?.text,
      html: batch[0]?.html,
      headers: batch[0]?.headers,
    });
  });

  it("stops at 429: that message and the rest are temporary, and the rest are not sent", async () => {
    const batch = [message(address("first")), message(address("ratelimited")), message(address("later"))];
    const results = await sendResend(config, batch);
    expect(results.map((r) => r.outcome)).toEqual(["sent", "temporary", "temporary"]);
    expect(results[1]).toMatchObject({ code: 429, stage: "request" });
    expect(results[2]?.reply).toMatch(/^not sent: 429/);
    expect(await resendReceived(batch[2]?.to ?? "")).toHaveLength(0);
  });

  it("calls a wrong API key permanent, and an unreachable API temporary", async () => {
    const [wrongKey] = await sendResend({ ...config, apiKey: "re_wrong" }, [message(address("a"))]);
    expect(wrongKey).toMatchObject({ outcome: "permanent", code: 401 });
    const [unreachable] = await sendResend({ ...config, baseUrl: `http://127.0.0.1:${targets.refused.port}` }, [
      message(address("b")),
    ]);
    expect(unreachable).toMatchObject({ outcome: "temporary", stage: "connection" });
  });
});
