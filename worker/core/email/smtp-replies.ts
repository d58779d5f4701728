/**
 * The pure half of SMTP (RFC 5321): reading replies out of what the server
 * sent, judging what a reply means for a message, the EHLO extensions, and
 * the DATA payload. worker/platform/email/smtp-sender.ts does the I/O around them.
 */

/** What became of one message. `temporary` may be retried; `permanent` must not be, as it is. */
export type DeliveryOutcome = "sent" | "temporary" | "permanent";

export interface SmtpReply {
  code: number;
  /** The text of each line, without the code and separator. */
  lines: string[];
}

export type TakeReplyResult =
  | { kind: "reply"; reply: SmtpReply; rest: string }
  | { kind: "incomplete" }
  | { kind: "malformed"; line: string };

/**
 * Takes the first complete reply from the start of `buffer`: one line
 * `250 text`, or several `250-text` lines ending in `250 text` (RFC 5321
 * §4.2.1). Lines end in CRLF; a bare LF is accepted, as servers send it.
 * A line without a three-digit code, or a multi-line reply whose lines
 * disagree on the code, is malformed.
 */
export function takeReply(buffer: string): TakeReplyResult {
  const lines: string[] = [];
  let code: number | null = null;
  let offset = 0;
  for (;;) {
    const end = buffer.indexOf("\n", offset);
    if (end < 0) return { kind: "incomplete" };
    const line = buffer.slice(offset, end).replace(/\r$/, "");
    offset = end + 1;
    const match = /^([2-5]\d\d)(?:([ -])(.*))?$/.exec(line);
    if (!match) return { kind: "malformed", line };
    const lineCode = Number(match[1]);
    if (code !== null && lineCode !== code) return { kind: "malformed", line };
    code = lineCode;
    lines.push(match[3] ?? "");
    if (match[2] !== "-") return { kind: "reply", reply: { code, lines }, rest: buffer.slice(offset) };
  }
}

/** The reply as one line of text for the delivery record, e.g. "550 5.1.1 no such user". */
export function replyText(reply: SmtpReply, maxLength = 500): string {
  const text = `${reply.code} ${reply.lines.join(" ")}`.trim();
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
}

/** 421: the server is closing the connection; nothing more can be sent on it. */
export function isClosing(reply: SmtpReply): boolean {
  return reply.code === 421;
}

/**
 * What a reply that is not the expected success means for the message:
 * 4xx is temporary, 5xx permanent, anything else (a success code where
 * another was due) a confused server, so temporary. At RCPT, 552 ("too much
 * mail") is temporary: RFC 5321 §4.5.3.1.10 tells clients to treat it as 452.
 */
export function failureOutcome(reply: SmtpReply, stage?: "recipient"): Exclude<DeliveryOutcome, "sent"> {
  if (stage === "recipient" && reply.code === 552) return "temporary";
  return reply.code >= 500 && reply.code <= 599 ? "permanent" : "temporary";
}

/** Whether the reply is the positive one expected: 2xx, or exactly `code` when given (354, 334, 235...). */
export function isExpected(reply: SmtpReply, code?: number): boolean {
  return code === undefined ? reply.code >= 200 && reply.code <= 299 : reply.code === code;
}

export interface EhloExtensions {
  starttls: boolean;
  /** AUTH mechanisms offered, upper case. */
  auth: string[];
  /** SIZE limit in bytes, when announced with one. */
  size: number | null;
}

/** The extensions in an EHLO reply; the first line is the greeting, each further line one keyword. */
export function parseEhlo(reply: SmtpReply): EhloExtensions {
  const extensions: EhloExtensions = { starttls: false, auth: [], size: null };
  for (const line of reply.lines.slice(1)) {
    const [keyword = "", ...params] = line.trim().split(/[\s=]+/);
    switch (keyword.toUpperCase()) {
      case "STARTTLS":
        extensions.starttls = true;
        break;
      case "AUTH":
        extensions.auth.push(...params.map((p) => p.toUpperCase()));
        break;
      case "SIZE": {
        const size = Number(params[0]);
        if (Number.isInteger(size) && size > 0) extensions.size = size;
        break;
      }
    }
  }
  return extensions;
}

/**
 * A message ready for DATA: every line break a CRLF (a bare CR or LF would
 * let a body smuggle a second message past a relay that reads it
 * differently), every line that starts with "." given a second one
 * (RFC 5321 §4.5.2), ending with the CRLF "." CRLF that ends the data.
 */
export function dataPayload(message: string): string {
  const stuffed = dotStuff(message);
  return `${stuffed}${stuffed === "" || stuffed.endsWith("\r\n") ? "" : "\r\n"}.\r\n`;
}

/** Line breaks made CRLF and a "." put before each line that starts with one. */
export function dotStuff(text: string): string {
  return text
    .split(/\r\n|\r|\n/)
    .map((line) => (line.startsWith(".") ? `.${line}` : line))
    .join("\r\n");
}

/** The AUTH PLAIN initial response (RFC 4616): base64 of NUL user NUL password, in UTF-8. */
export function authPlain(username: string, password: string): string {
  return base64Utf8(`\u0000${username}\u0000${password}`);
}

export function base64Utf8(text: string): string {
  return btoa(String.fromCharCode(...new TextEncoder().encode(text)));
}

/**
 * An SMTP command line. Refuses (throws) any argument with a line break or
 * other control character, so no value can add a second command.
 */
export function command(verb: string, argument?: string): string {
  const line = argument === undefined ? verb : `${verb} ${argument}`;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: controls are what is refused
  if (/[\u0000-\u001f\u007f]/.test(line)) throw new Error(`refusing to send ${verb} with a control character`);
  return `${line}\r\n`;
}
