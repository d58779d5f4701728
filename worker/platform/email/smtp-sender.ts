import { connect as socketsConnect } from "cloudflare:sockets";
import { buildMime, checkMessage, type EmailMessage, MessageError } from "../../core/email/message.ts";
import {
  authPlain,
  base64Utf8,
  command,
  dataPayload,
  type EhloExtensions,
  failureOutcome,
  isClosing,
  isExpected,
  parseEhlo,
  replyText,
  type SmtpReply,
  takeReply,
} from "../../core/email/smtp-replies.ts";
import type { DeliveryResult, DeliveryStage, OnResult } from "./sender.ts";

/**
 * SMTP submission (RFC 5321, 3207, 4954) over `cloudflare:sockets`: one
 * connection per batch, one transaction per message. The protocol's rules
 * live in worker/core/email/; this file only talks.
 *
 * Whatever the server does (refuses, stalls, drops the line, answers
 * nonsense), sendSmtp resolves with one result per message. A 421 or a lost
 * connection makes the current message and every one after it temporary; a
 * refusal of one message (a 5xx at RCPT, say) is that message's and the batch
 * goes on after an RSET.
 */

export interface SmtpConfig {
  host: string;
  port: number;
  /**
   * "starttls": upgrade with STARTTLS before anything else is said, and send
   *             nothing when the server does not offer it (port 587);
   * "implicit": TLS from the first byte (port 465);
   * "none":     plain text, for a local catcher; never credentials over the internet.
   */
  tls: "starttls" | "implicit" | "none";
  auth?: { username: string; password: string; mechanism?: "PLAIN" | "LOGIN" };
  /** The name given in EHLO; by default the domain of the first message's sender. */
  clientName?: string;
  /** The whole batch, from connecting to the last reply. Default 60 s. */
  batchTimeoutMs?: number;
  /** The longest wait for any one reply (and for the connection to open). Default 15 s. */
  replyTimeoutMs?: number;
}

export interface SmtpSendOptions {
  /** Replaces cloudflare:sockets' connect, for tests. */
  connect?: typeof socketsConnect;
  onResult?: OnResult;
}

const DEFAULT_BATCH_TIMEOUT_MS = 60_000;
const DEFAULT_REPLY_TIMEOUT_MS = 15_000;
/** No reply Lookout needs is longer; a server streaming more is not talking SMTP. */
const MAX_REPLY_CHARS = 64 * 1024;
/** RFC 5321 §4.5.3.1.5 allows 512 octets a reply line; twice that forgives a sloppy server, not a babbling one. */
const MAX_LINE_CHARS = 1000;
const QUIT_TIMEOUT_MS = 1_000;

/** The session cannot go on: every message not yet decided gets this. */
class SessionFailure extends Error {
  readonly outcome: "temporary" | "permanent";
  readonly stage: DeliveryStage;
  readonly code: number | undefined;
  constructor(outcome: "temporary" | "permanent", stage: DeliveryStage, reason: string, code?: number) {
    super(reason);
    this.outcome = outcome;
    this.stage = stage;
    this.code = code;
  }

  static fromReply(reply: SmtpReply, stage: DeliveryStage): SessionFailure {
    if (isClosing(reply)) return new SessionFailure("temporary", "connection", replyText(reply), reply.code);
    return new SessionFailure(failureOutcome(reply), stage, replyText(reply), reply.code);
  }
}

type Socket = ReturnType<typeof socketsConnect>;

/** The conversation on one socket: commands out, replies in, every wait bounded. */
class Conversation {
  #socket: Socket;
  #reader: ReadableStreamDefaultReader<Uint8Array>;
  #writer: WritableStreamDefaultWriter<Uint8Array>;
  #buffer = "";
  #decoder = new TextDecoder();
  readonly #encoder = new TextEncoder();
  readonly #deadlineAt: number;
  readonly #replyTimeoutMs: number;
  readonly #batchTimeoutMs: number;
  /** The whole message has been sent and its reply not yet read. */
  awaitingDataReply = false;

  constructor(socket: Socket, batchTimeoutMs: number, replyTimeoutMs: number) {
    this.#socket = socket;
    this.#reader = socket.readable.getReader();
    this.#writer = socket.writable.getWriter();
    this.#batchTimeoutMs = batchTimeoutMs;
    this.#deadlineAt = Date.now() + batchTimeoutMs;
    this.#replyTimeoutMs = replyTimeoutMs;
  }

  async opened(): Promise<void> {
    await this.#within(this.#socket.opened, this.#replyTimeoutMs, "the connection did not open");
  }

  async reply(limitMs = this.#replyTimeoutMs): Promise<SmtpReply> {
    for (;;) {
      const taken = takeReply(this.#buffer);
      if (taken.kind === "reply") {
        this.#buffer = taken.rest;
        return taken.reply;
      }
      if (taken.kind === "malformed") {
        throw new SessionFailure(
          "temporary",
          "connection",
          `not an SMTP reply: ${JSON.stringify(taken.line.slice(0, 80))}`,
        );
      }
      if (this.#buffer.length > MAX_REPLY_CHARS) {
        throw new SessionFailure("temporary", "connection", "reply too long");
      }
      if (this.#buffer.length - (this.#buffer.lastIndexOf("\n") + 1) > MAX_LINE_CHARS) {
        throw new SessionFailure(
          "temporary",
          "connection",
          `reply line longer than ${MAX_LINE_CHARS} characters (RFC 5321 allows 512)`,
        );
      }
      const { value, done } = await this.#within(this.#reader.read(), limitMs, "no reply");
      if (done) throw new SessionFailure("temporary", "connection", "connection closed by the server");
      this.#buffer += this.#decoder.decode(value, { stream: true });
    }
  }

  async write(text: string): Promise<void> {
    await this.#within(this.#writer.write(this.#encoder.encode(text)), this.#replyTimeoutMs, "could not write");
  }

  async command(verb: string, argument?: string): Promise<SmtpReply> {
    await this.write(command(verb, argument));
    return this.reply();
  }

  /**
   * Hands the socket to TLS after the server's 220. Anything the server sent
   * after that reply came before TLS and could be an attacker's (the
   * STARTTLS injection of CVE-2011-0411), so it ends the session.
   */
  upgrade(): void {
    if (this.#buffer !== "") {
      throw new SessionFailure("temporary", "connection", "the server sent data before the TLS handshake");
    }
    this.#reader.releaseLock();
    this.#writer.releaseLock();
    // The name checked is the one connect() was given: workerd takes no other.
    this.#socket = this.#socket.startTls();
    this.#socket.opened.catch(() => undefined);
    this.#socket.closed.catch(() => undefined);
    this.#reader = this.#socket.readable.getReader();
    this.#writer = this.#socket.writable.getWriter();
    this.#decoder = new TextDecoder();
  }

  close(): void {
    this.#reader.cancel().catch(() => undefined);
    this.#socket.close().catch(() => undefined);
  }

  /** Races a step against its own limit and what is left of the batch's. */
  async #within<T>(step: Promise<T>, limitMs: number, what: string): Promise<T> {
    const left = this.#deadlineAt - Date.now();
    const batchFirst = left <= limitMs;
    const ms = Math.max(0, Math.min(limitMs, left));
    let timer: ReturnType<typeof setTimeout> | null = null;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const reason = batchFirst
          ? `batch deadline of ${this.#batchTimeoutMs} ms passed`
          : `timeout: ${what} within ${limitMs} ms`;
        reject(new SessionFailure("temporary", "connection", reason));
      }, ms);
    });
    // The step may settle after the race is lost (the socket closes at the end); that is not an error.
    step.catch(() => undefined);
    try {
      return await Promise.race([step, expired]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** The outcome of one message's transaction, and whether it left a transaction open. */
interface Transaction {
  result: Omit<DeliveryResult, "afterMs">;
  needsReset: boolean;
}

export async function sendSmtp(
  config: SmtpConfig,
  messages: readonly EmailMessage[],
  options: SmtpSendOptions = {},
): Promise<DeliveryResult[]> {
  if (messages.length === 0) return [];
  const connect = options.connect ?? socketsConnect;
  const started = Date.now();
  const results: DeliveryResult[] = [];
  const settle = (result: Omit<DeliveryResult, "afterMs">) => {
    const decided = { ...result, afterMs: Date.now() - started };
    results.push(decided);
    options.onResult?.(results.length - 1, decided);
  };

  let conversation: Conversation | undefined;
  try {
    const socket = connect(
      { hostname: config.host, port: config.port },
      {
        secureTransport: config.tls === "implicit" ? "on" : config.tls === "starttls" ? "starttls" : "off",
        allowHalfOpen: false,
      },
    );
    socket.closed.catch(() => undefined);
    conversation = new Conversation(
      socket,
      config.batchTimeoutMs ?? DEFAULT_BATCH_TIMEOUT_MS,
      config.replyTimeoutMs ?? DEFAULT_REPLY_TIMEOUT_MS,
    );
    await conversation.opened();
    const extensions = await openSession(conversation, config, clientName(config, messages));

    for (const message of messages) {
      const transaction = await sendOne(conversation, message, extensions);
      settle(transaction.result);
      if (transaction.needsReset) {
        const reset = await conversation.command("RSET");
        if (!isExpected(reset)) throw new SessionFailure("temporary", "connection", replyText(reset), reset.code);
      }
    }

    // The messages are decided; whatever QUIT gets does not change that.
    const quitting = conversation;
    await quitting
      .write(command("QUIT"))
      .then(() => quitting.reply(QUIT_TIMEOUT_MS))
      .catch(() => undefined);
  } catch (error) {
    const failure = asSessionFailure(error);
    const maybeDelivered = conversation?.awaitingDataReply === true && failure.code === undefined;
    const current = results.length;
    for (let index = current; index < messages.length; index++) {
      settle({
        outcome: failure.outcome,
        stage: failure.stage,
        ...(failure.code === undefined ? {} : { code: failure.code }),
        reply: failure.message,
        ...(maybeDelivered && index === current ? { maybeDelivered: true } : {}),
      });
    }
  } finally {
    conversation?.close();
  }
  return results;
}

function asSessionFailure(error: unknown): SessionFailure {
  if (error instanceof SessionFailure) return error;
  // Socket errors: refused, reset, TLS handshake failed, DNS... all worth another try later.
  const reason = error instanceof Error ? error.message : String(error);
  return new SessionFailure("temporary", "connection", reason || "connection failed");
}

/** The EHLO name: the configured one, else the sender's domain (a Worker has no host name of its own). */
function clientName(config: SmtpConfig, messages: readonly EmailMessage[]): string {
  if (config.clientName) return config.clientName;
  const domain = messages[0]?.from.address.split("@").pop() ?? "";
  return /^[A-Za-z0-9.-]+$/.test(domain) ? domain : "localhost";
}

/** Greeting, EHLO, STARTTLS and AUTH: everything before the first message. */
async function openSession(conversation: Conversation, config: SmtpConfig, name: string): Promise<EhloExtensions> {
  const greeting = await conversation.reply();
  if (!isExpected(greeting, 220)) throw SessionFailure.fromReply(greeting, "connection");

  let extensions = await hello(conversation, name);
  if (config.tls === "starttls") {
    if (!extensions.starttls) {
      throw new SessionFailure("temporary", "connection", "the server does not offer STARTTLS; nothing was sent");
    }
    const ready = await conversation.command("STARTTLS");
    if (!isExpected(ready, 220)) throw SessionFailure.fromReply(ready, "connection");
    conversation.upgrade();
    // RFC 3207: forget everything learnt before TLS and ask again.
    extensions = await hello(conversation, name);
  }
  if (config.auth) await authenticate(conversation, extensions, config.auth);
  return extensions;
}

/** EHLO, or HELO for a server that does not know it; the extensions offered (none after HELO). */
async function hello(conversation: Conversation, name: string): Promise<EhloExtensions> {
  const ehlo = await conversation.command("EHLO", name);
  if (isExpected(ehlo, 250)) return parseEhlo(ehlo);
  if (isClosing(ehlo) || ehlo.code < 500) throw SessionFailure.fromReply(ehlo, "connection");
  const helo = await conversation.command("HELO", name);
  if (!isExpected(helo, 250)) throw SessionFailure.fromReply(helo, "connection");
  return { starttls: false, auth: [], size: null };
}

async function authenticate(
  conversation: Conversation,
  extensions: EhloExtensions,
  auth: NonNullable<SmtpConfig["auth"]>,
): Promise<void> {
  const mechanism =
    auth.mechanism ??
    (extensions.auth.includes("PLAIN") ? "PLAIN" : extensions.auth.includes("LOGIN") ? "LOGIN" : null);
  if (mechanism === null || !extensions.auth.includes(mechanism)) {
    const offered = extensions.auth.length > 0 ? extensions.auth.join(", ") : "none";
    throw new SessionFailure(
      "temporary",
      "authentication",
      `the server offers no usable AUTH mechanism (offered: ${offered})`,
    );
  }
  let reply: SmtpReply;
  if (mechanism === "PLAIN") {
    reply = await conversation.command("AUTH", `PLAIN ${authPlain(auth.username, auth.password)}`);
  } else {
    reply = await conversation.command("AUTH", "LOGIN");
    if (isExpected(reply, 334)) reply = await conversation.command(base64Utf8(auth.username));
    if (isExpected(reply, 334)) reply = await conversation.command(base64Utf8(auth.password));
  }
  if (!isExpected(reply, 235)) throw SessionFailure.fromReply(reply, "authentication");
}

/** One message's transaction: MAIL FROM, RCPT TO, DATA, the message, the final reply. */
async function sendOne(
  conversation: Conversation,
  message: EmailMessage,
  extensions: EhloExtensions,
): Promise<Transaction> {
  let payload: string;
  try {
    checkMessage(message);
    payload = dataPayload(buildMime(message, new Date()));
  } catch (error) {
    if (!(error instanceof MessageError)) throw error;
    const stage = error.field === "to" ? "recipient" : error.field === "from" ? "sender" : "content";
    return { result: { outcome: "permanent", stage, reply: error.message }, needsReset: false };
  }
  if (extensions.size !== null && payload.length > extensions.size) {
    const reply = `message of ${payload.length} bytes is over the server's limit of ${extensions.size}`;
    return { result: { outcome: "permanent", stage: "content", reply }, needsReset: false };
  }

  const refused = (reply: SmtpReply, stage: DeliveryStage, needsReset: boolean): Transaction => {
    if (isClosing(reply)) throw SessionFailure.fromReply(reply, "connection");
    const outcome = failureOutcome(reply, stage === "recipient" ? "recipient" : undefined);
    return { result: { outcome, stage, code: reply.code, reply: replyText(reply) }, needsReset };
  };

  const mail = await conversation.command("MAIL", `FROM:<${message.from.address}>`);
  if (!isExpected(mail)) return refused(mail, "sender", true);
  const rcpt = await conversation.command("RCPT", `TO:<${message.to}>`);
  if (!isExpected(rcpt)) return refused(rcpt, "recipient", true);
  const data = await conversation.command("DATA");
  if (!isExpected(data, 354)) return refused(data, "content", true);

  await conversation.write(payload);
  conversation.awaitingDataReply = true;
  const accepted = await conversation.reply();
  conversation.awaitingDataReply = false;
  // After the final reply the transaction is over either way (RFC 5321 §4.1.1.4): no RSET.
  if (!isExpected(accepted)) return refused(accepted, "content", false);
  return {
    result: { outcome: "sent", stage: "sent", code: accepted.code, reply: replyText(accepted) },
    needsReset: false,
  };
}
