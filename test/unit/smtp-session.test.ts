import type { connect } from "cloudflare:sockets";
import { describe, expect, it } from "vitest";
import type { EmailMessage } from "../../worker/core/email/message.ts";
import { type SmtpConfig, sendSmtp } from "../../worker/platform/email/smtp-sender.ts";

/**
 * sendSmtp against a scripted server on a socket of the test's own: what real
 * servers cannot easily be made to do on loopback (split every reply into
 * single bytes, inject data after STARTTLS's 220, pretend a TLS upgrade,
 * answer nonsense) and the exact commands sent. The real servers are in
 * test/integration/smtp-sender.test.ts.
 */

/** What the server does with a line: answer it (CRLF added), send raw bytes, close, or say nothing. */
type Answer = string | { raw: string } | "drop" | "silence";

interface Script {
  greeting?: Answer;
  /** Return undefined for the standard answer. */
  reply?: (command: string, fake: Fake) => Answer | undefined;
  /** The answer after the data's final dot. */
  afterData?: (data: string) => Answer;
  /** Deliver replies one byte per read. */
  split?: boolean;
  /** Replaces socket.opened. */
  opened?: Promise<unknown>;
}

interface Fake {
  connect: typeof connect;
  commands: string[];
  /** Each message's data as it was on the wire, dot-stuffing included, without the final dot. */
  data: string[];
  options: unknown[];
  /** Index in `commands` at which TLS started, or null. */
  tlsFrom: number | null;
  closed: boolean;
}

function standard(command: string, fake: Fake): Answer {
  const verb = command.split(" ")[0]?.toUpperCase();
  switch (verb) {
    case "EHLO":
      return fake.tlsFrom === null
        ? "250-fake.example\r\n250-STARTTLS\r\n250-SIZE 100000\r\n250 AUTH PLAIN LOGIN"
        : "250-fake.example\r\n250-SIZE 100000\r\n250 AUTH PLAIN LOGIN";
    case "HELO":
      return "250 fake.example";
    case "STARTTLS":
      return "220 go ahead";
    case "AUTH":
      return command.startsWith("AUTH LOGIN") ? "334 VXNlcm5hbWU6" : "235 2.7.0 ok";
    case "MAIL":
    case "RCPT":
    case "RSET":
      return "250 ok";
    case "DATA":
      return "354 end with <CRLF>.<CRLF>";
    case "QUIT":
      return "221 bye";
    default:
      // The LOGIN exchange: base64 user, then base64 password.
      return command === btoa("user") ? "334 UGFzc3dvcmQ6" : command === btoa("secret") ? "235 ok" : "500 what?";
  }
}

function fakeSmtp(script: Script = {}): Fake {
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const fake: Fake = {
    connect: undefined as unknown as typeof connect,
    commands: [],
    data: [],
    options: [],
    tlsFrom: null,
    closed: false,
  };
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  let buffer = "";
  let inData = false;
  let data = "";

  const answer = (what: Answer) => {
    if (what === "silence") return;
    if (what === "drop") {
      controller?.close();
      return;
    }
    const text = typeof what === "string" ? `${what}\r\n` : what.raw;
    if (script.split) for (const char of text) controller?.enqueue(encoder.encode(char));
    else controller?.enqueue(encoder.encode(text));
  };

  const onLine = (line: string) => {
    if (inData) {
      if (line === ".") {
        inData = false;
        fake.data.push(data);
        answer(script.afterData?.(data) ?? "250 2.0.0 queued as 42");
      } else {
        data += `${line}\r\n`;
      }
      return;
    }
    fake.commands.push(line);
    const reply = script.reply?.(line, fake) ?? standard(line, fake);
    if (line === "DATA" && typeof reply === "string" && reply.startsWith("354")) {
      inData = true;
      data = "";
    }
    answer(reply);
  };

  const socket = (): ReturnType<typeof connect> => {
    const readable = new ReadableStream<Uint8Array>({
      start(c) {
        controller = c;
      },
    });
    const writable = new WritableStream<Uint8Array>({
      write(chunk) {
        buffer += decoder.decode(chunk);
        for (let end = buffer.indexOf("\r\n"); end >= 0; end = buffer.indexOf("\r\n")) {
          const line = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          onLine(line);
        }
      },
    });
    return {
      readable,
      writable,
      opened: script.opened ?? Promise.resolve({}),
      closed: new Promise(() => undefined),
      upgraded: false,
      secureTransport: "off",
      close: async () => {
        fake.closed = true;
      },
      startTls: () => {
        fake.tlsFrom = fake.commands.length;
        return socket();
      },
    } as unknown as ReturnType<typeof connect>;
  };

  fake.connect = ((_address: unknown, options: unknown) => {
    fake.options.push(options);
    const made = socket();
    queueMicrotask(() => answer(script.greeting ?? "220 fake.example ESMTP"));
    return made;
  }) as typeof connect;
  return fake;
}

function message(to: string, overrides: Partial<EmailMessage> = {}): EmailMessage {
  return {
    from: { name: "Acme Status", address: "status@acme.example" },
    to,
    subject: "Investigating",
    text: "line one\n.starts with a dot\n",
    html: "<p>hi</p>",
    messageId: `${to.replace("@", ".")}@status.acme.example`,
    ...overrides,
  };
}

const config: SmtpConfig = { host: "smtp.example", port: 587, tls: "none", replyTimeoutMs: 500, batchTimeoutMs: 5_000 };
const send = (fake: Fake, messages: EmailMessage[], extra: Partial<SmtpConfig> = {}) =>
  sendSmtp({ ...config, ...extra }, messages, { connect: fake.connect });

describe("sendSmtp, command by command", () => {
  it("sends a batch on one connection with no RSET between successful messages, replies read byte by byte", async () => {
    const fake = fakeSmtp({ split: true });
    const results = await send(fake, [message("a@example.com"), message("b@example.com")]);
    expect(results.map((r) => r.outcome)).toEqual(["sent", "sent"]);
    expect(results[0]).toMatchObject({ code: 250, reply: "250 2.0.0 queued as 42", stage: "sent" });
    expect(fake.commands).toEqual([
      "EHLO acme.example",
      "MAIL FROM:<status@acme.example>",
      "RCPT TO:<a@example.com>",
      "DATA",
      "MAIL FROM:<status@acme.example>",
      "RCPT TO:<b@example.com>",
      "DATA",
      "QUIT",
    ]);
    expect(fake.closed).toBe(true);
    // Dot-stuffed on the wire: the body's "." line (encoded as =2E by quoted-printable) cannot end the data.
    expect(fake.data[0]).toContain("=2Estarts with a dot");
    expect(fake.data[0]).toContain("Subject: Investigating\r\n");
  });

  it("names itself as configured", async () => {
    const fake = fakeSmtp();
    await send(fake, [message("a@example.com")], { clientName: "lookout.acme.example" });
    expect(fake.commands[0]).toBe("EHLO lookout.acme.example");
  });

  it("falls back to HELO when EHLO is not understood", async () => {
    const fake = fakeSmtp({ reply: (line) => (line.startsWith("EHLO") ? "502 5.5.2 what" : undefined) });
    const results = await send(fake, [message("a@example.com")]);
    expect(results[0]?.outcome).toBe("sent");
    expect(fake.commands.slice(0, 2)).toEqual(["EHLO acme.example", "HELO acme.example"]);
  });

  it("upgrades with STARTTLS before anything else, asks EHLO again, then authenticates", async () => {
    const fake = fakeSmtp();
    const results = await send(fake, [message("a@example.com")], {
      tls: "starttls",
      auth: { username: "user", password: "secret" },
    });
    expect(results[0]?.outcome).toBe("sent");
    expect(fake.options[0]).toMatchObject({ secureTransport: "starttls" });
    expect(fake.commands.slice(0, 4)).toEqual([
      "EHLO acme.example",
      "STARTTLS",
      "EHLO acme.example",
      `AUTH PLAIN ${btoa("\u0000user\u0000secret")}`,
    ]);
    expect(fake.tlsFrom).toBe(2);
  });

  it("asks for TLS from the first byte for implicit TLS", async () => {
    const fake = fakeSmtp();
    await send(fake, [message("a@example.com")], { tls: "implicit" });
    expect(fake.options[0]).toMatchObject({ secureTransport: "on" });
    expect(fake.commands).not.toContain("STARTTLS");
  });

  it("refuses to go on when the server slips data in after STARTTLS's 220 (CVE-2011-0411)", async () => {
    const fake = fakeSmtp({
      reply: (line) => (line === "STARTTLS" ? { raw: "220 go ahead\r\n250 injected\r\n" } : undefined),
    });
    const results = await send(fake, [message("a@example.com")], { tls: "starttls" });
    expect(results[0]).toMatchObject({ outcome: "temporary", stage: "connection" });
    expect(results[0]?.reply).toMatch(/before the TLS handshake/);
    expect(fake.tlsFrom).toBeNull();
    expect(fake.commands).not.toContainEqual(expect.stringMatching(/^MAIL/));
  });

  it("uses AUTH LOGIN when asked, answering each prompt", async () => {
    const fake = fakeSmtp();
    const results = await send(fake, [message("a@example.com")], {
      auth: { username: "user", password: "secret", mechanism: "LOGIN" },
    });
    expect(results[0]?.outcome).toBe("sent");
    expect(fake.commands.slice(1, 4)).toEqual(["AUTH LOGIN", btoa("user"), btoa("secret")]);
  });

  it("sends no credentials to a server that offers no mechanism it knows", async () => {
    const fake = fakeSmtp({ reply: (line) => (line.startsWith("EHLO") ? "250-fake\r\n250 AUTH CRAM-MD5" : undefined) });
    const results = await send(fake, [message("a@example.com")], { auth: { username: "user", password: "secret" } });
    expect(results[0]).toMatchObject({ outcome: "temporary", stage: "authentication" });
    expect(results[0]?.reply).toContain("CRAM-MD5");
    expect(fake.commands.some((c) => c.startsWith("AUTH"))).toBe(false);
  });

  it("takes a refusing greeting as the answer for every message", async () => {
    const fake = fakeSmtp({ greeting: "554 5.3.2 no service for you" });
    const results = await send(fake, [message("a@example.com"), message("b@example.com")]);
    for (const result of results) {
      expect(result).toMatchObject({ outcome: "permanent", stage: "connection", code: 554 });
    }
    expect(fake.commands).toEqual([]);
  });

  it("calls a 4xx at RCPT temporary for that message, resets and sends the next", async () => {
    const fake = fakeSmtp({
      reply: (line) => (line === "RCPT TO:<full@example.com>" ? "452 4.2.2 mailbox full" : undefined),
    });
    const results = await send(fake, [message("full@example.com"), message("b@example.com")]);
    expect(results.map((r) => [r.outcome, r.stage, r.code])).toEqual([
      ["temporary", "recipient", 452],
      ["sent", "sent", 250],
    ]);
    expect(fake.commands.slice(3, 5)).toEqual(["RSET", "MAIL FROM:<status@acme.example>"]);
  });

  it("calls 552 at RCPT temporary, as RFC 5321 asks", async () => {
    const fake = fakeSmtp({ reply: (line) => (line.startsWith("RCPT") ? "552 too many recipients" : undefined) });
    const [result] = await send(fake, [message("a@example.com")]);
    expect(result).toMatchObject({ outcome: "temporary", stage: "recipient", code: 552 });
  });

  it("calls a refused sender permanent at the sender stage", async () => {
    const fake = fakeSmtp({ reply: (line) => (line.startsWith("MAIL") ? "553 5.7.1 sender not allowed" : undefined) });
    const [result] = await send(fake, [message("a@example.com")]);
    expect(result).toMatchObject({ outcome: "permanent", stage: "sender", code: 553 });
  });

  it("calls a message refused after its data permanent, with no RSET needed", async () => {
    const fake = fakeSmtp({
      afterData: (data) => (data.includes("To: spam@example.com") ? "554 5.7.1 looks like spam" : "250 ok"),
    });
    const results = await send(fake, [message("spam@example.com"), message("b@example.com")]);
    expect(results.map((r) => [r.outcome, r.stage])).toEqual([
      ["permanent", "content"],
      ["sent", "sent"],
    ]);
    expect(fake.commands).not.toContain("RSET");
  });

  it("marks the message maybe delivered when the line drops after its final dot, and the rest temporary", async () => {
    const fake = fakeSmtp({ afterData: () => "drop" });
    const results = await send(fake, [message("a@example.com"), message("b@example.com")]);
    expect(results[0]).toMatchObject({ outcome: "temporary", stage: "connection", maybeDelivered: true });
    expect(results[0]?.reply).toBe("connection closed by the server");
    expect(results[1]).toMatchObject({ outcome: "temporary", stage: "connection" });
    expect(results[1]?.maybeDelivered).toBeUndefined();
  });

  it("does not call a 421 after the data maybe delivered: the server said no", async () => {
    const fake = fakeSmtp({ afterData: () => "421 4.3.0 shutting down" });
    const [result] = await send(fake, [message("a@example.com")]);
    expect(result).toMatchObject({ outcome: "temporary", code: 421 });
    expect(result?.maybeDelivered).toBeUndefined();
  });

  it("gives up on the rest when RSET is refused", async () => {
    const fake = fakeSmtp({
      reply: (line) => (line.startsWith("RCPT") ? "550 no" : line === "RSET" ? "500 what" : undefined),
    });
    const results = await send(fake, [message("a@example.com"), message("b@example.com")]);
    expect(results.map((r) => r.outcome)).toEqual(["permanent", "temporary"]);
    expect(results[1]).toMatchObject({ stage: "connection", code: 500 });
  });

  it("calls nonsense from the server temporary", async () => {
    const fake = fakeSmtp({ greeting: { raw: "HTTP/1.1 400 Bad Request\r\n\r\n" } });
    const [result] = await send(fake, [message("a@example.com")]);
    expect(result).toMatchObject({ outcome: "temporary", stage: "connection" });
    expect(result?.reply).toMatch(/not an SMTP reply/);
  });

  it("does not send a message over the size the server announced", async () => {
    const fake = fakeSmtp();
    const results = await send(fake, [
      message("a@example.com", { text: "x".repeat(200_000) }),
      message("b@example.com"),
    ]);
    expect(results[0]).toMatchObject({ outcome: "permanent", stage: "content" });
    expect(results[0]?.reply).toMatch(/over the server's limit of 100000/);
    expect(results[1]?.outcome).toBe("sent");
    expect(fake.commands.filter((c) => c.startsWith("MAIL"))).toHaveLength(1);
  });

  it("gives up on a connection that never opens at the reply timeout", async () => {
    const fake = fakeSmtp({ opened: new Promise(() => undefined) });
    const [result] = await send(fake, [message("a@example.com")], { replyTimeoutMs: 200, batchTimeoutMs: 60_000 });
    expect(result).toMatchObject({ outcome: "temporary", stage: "connection" });
    expect(result?.reply).toBe("timeout: the connection did not open within 200 ms");
    expect(fake.closed).toBe(true);
  });

  it("stops a slow batch at its deadline: what was sent stays sent", async () => {
    let calls = 0;
    const fake = fakeSmtp({ afterData: () => (++calls === 1 ? "250 ok" : "silence") });
    const results = await send(fake, [message("a@example.com"), message("b@example.com"), message("c@example.com")], {
      batchTimeoutMs: 300,
      replyTimeoutMs: 60_000,
    });
    expect(results.map((r) => r.outcome)).toEqual(["sent", "temporary", "temporary"]);
    expect(results[1]).toMatchObject({ reply: "batch deadline of 300 ms passed", maybeDelivered: true });
  });
});
