/**
 * One email as Lookout sends it, and its RFC 5322 / MIME form. Pure: the SMTP
 * sender turns the result into DATA, the HTTP providers take the fields as
 * they are.
 *
 * Every header value that reaches the output is checked here, so no text a
 * communicator typed (an incident name in the subject, a page name in From)
 * can add a header or end the message: free text has its line breaks folded
 * into spaces, structured values (addresses, the message id, extra headers
 * such as List-Unsubscribe) are refused with a MessageError when they hold
 * anything they must not.
 */

export interface EmailAddress {
  /** Display name, any Unicode; line breaks become spaces. */
  name?: string;
  /** ASCII addr-spec ("someone@example.com"); an internationalised domain must already be punycode. */
  address: string;
}

export interface EmailMessage {
  from: EmailAddress;
  /** The one recipient's address. */
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Extra headers such as List-Unsubscribe and List-Unsubscribe-Post: ASCII, no line breaks. */
  headers?: Record<string, string>;
  /**
   * Without angle brackets, e.g. "01J...@status.example". Stable per
   * (subscriber, event), so a retry carries the same id and a mailbox that
   * removes duplicates by Message-ID can.
   */
  messageId: string;
}

export type MessageField = "from" | "to" | "messageId" | "headers";

/** The message cannot be written safely; `field` names what is wrong. */
export class MessageError extends Error {
  readonly field: MessageField;
  constructor(field: MessageField, problem: string) {
    super(`${field}: ${problem}`);
    this.name = "MessageError";
    this.field = field;
  }
}

/** RFC 5322's limit for any line, CRLF not counted. */
export const MAX_LINE_LENGTH = 998;
/** Where headers are folded, as RFC 5322 recommends. */
const FOLD_AT = 78;

/** Headers buildMime writes itself; `headers` may not set them again. */
const OWN_HEADERS = new Set([
  "date",
  "from",
  "to",
  "subject",
  "message-id",
  "mime-version",
  "content-type",
  "content-transfer-encoding",
  "bcc",
  "cc",
  "sender",
  "reply-to",
]);

// atext of RFC 5322 plus the dot: enough for every address Lookout accepts (no quoted local parts).
const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN =
  /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*)$/;
const HEADER_NAME = /^[!-9;-~]+$/;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** Whether an address is one Lookout can put in SMTP commands and headers as it is. */
export function isSendableAddress(address: string): boolean {
  if (address.length > 254) return false;
  const at = address.lastIndexOf("@");
  if (at <= 0) return false;
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  return local.length <= 64 && LOCAL_PART.test(local) && DOMAIN.test(domain);
}

/** Throws a MessageError naming the first field that cannot be written; returns nothing when all can. */
export function checkMessage(message: EmailMessage): void {
  if (!isSendableAddress(message.from.address)) throw new MessageError("from", "not a plain ASCII address");
  if (!isSendableAddress(message.to)) throw new MessageError("to", "not a plain ASCII address");
  const [left, right, ...more] = message.messageId.split("@");
  if (more.length > 0 || !left || !right || !/^[!-~]+$/.test(message.messageId) || /[<>()\\",;:[\]\s]/.test(left)) {
    throw new MessageError("messageId", 'must look like "id@domain", without angle brackets');
  }
  if (!DOMAIN.test(right)) throw new MessageError("messageId", "the part after @ must be a domain");
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    if (!HEADER_NAME.test(name)) throw new MessageError("headers", `"${name}" is not a header name`);
    if (OWN_HEADERS.has(name.toLowerCase())) throw new MessageError("headers", `${name} is set by the sender`);
    if (!PRINTABLE_ASCII.test(value)) {
      throw new MessageError("headers", `${name} must be printable ASCII on one line`);
    }
  }
}

/**
 * The message as RFC 5322 text with CRLF line endings: headers, then a
 * multipart/alternative body with the text part first and the HTML part last
 * (the one clients prefer). No line is longer than 998 characters.
 *
 * Both parts are UTF-8 in quoted-printable, not base64: status mail is mostly
 * ASCII, which quoted-printable leaves readable (in the local catcher, in a
 * mail's source, to a person debugging a relay) and barely larger, where
 * base64 costs a third more for every message of a 10,000-subscriber batch
 * and hides the text. Its soft line breaks keep every line within 76
 * characters whatever the template writes, and because an encoded body never
 * contains "=_", a boundary starting with "=_" cannot collide with it.
 */
export function buildMime(message: EmailMessage, now: Date): string {
  checkMessage(message);
  const boundary = "=_lookout-alternative";
  const lines = [
    header("Date", formatDate(now)),
    header("From", formatMailbox(message.from)),
    header("To", message.to),
    header("Subject", unstructured(message.subject)),
    header("Message-ID", `<${message.messageId}>`),
    header("MIME-Version", "1.0"),
    ...Object.entries(message.headers ?? {}).map(([name, value]) => header(name, value)),
    header("Content-Type", `multipart/alternative; boundary="${boundary}"`),
    "",
    `--${boundary}`,
    "Content-Type: text/plain; charset=utf-8",
    "Content-Transfer-Encoding: quoted-printable",
    "",
    quotedPrintable(message.text),
    `--${boundary}`,
    "Content-Type: text/html; charset=utf-8",
    "Content-Transfer-Encoding: quoted-printable",
    "",
    quotedPrintable(message.html),
    `--${boundary}--`,
    "",
  ];
  return lines.join("\r\n");
}

/** RFC 5322 date-time in UTC, e.g. "Tue, 07 Jul 2026 09:05:00 +0000". */
export function formatDate(at: Date): string {
  const days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const two = (n: number) => String(n).padStart(2, "0");
  return (
    `${days[at.getUTCDay()]}, ${two(at.getUTCDate())} ${months[at.getUTCMonth()]} ${at.getUTCFullYear()} ` +
    `${two(at.getUTCHours())}:${two(at.getUTCMinutes())}:${two(at.getUTCSeconds())} +0000`
  );
}

/** `"Name" <address>`, the name quoted or encoded as needed; the bare address without a name. */
function formatMailbox({ name, address }: EmailAddress): string {
  const display = name === undefined ? "" : oneLine(name).trim();
  if (display === "") return address;
  if (PRINTABLE_ASCII.test(display) && !display.includes("=?")) {
    return `"${display.replace(/[\\"]/g, (c) => `\\${c}`)}" <${address}>`;
  }
  return `${encodedWords(display).join(" ")} <${address}>`;
}

/**
 * Free text for a header: line breaks and other controls become spaces; text
 * that is not plain ASCII, or that could be mistaken for an encoded-word,
 * becomes RFC 2047 encoded-words.
 */
function unstructured(text: string): string {
  const flat = oneLine(text);
  const plain =
    PRINTABLE_ASCII.test(flat) && !flat.includes("=?") && flat.split(" ").every((word) => word.length < 900);
  return plain ? flat : encodedWords(flat).join(" ");
}

function oneLine(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: controls are what is removed
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, " ");
}

/**
 * RFC 2047 "B" encoded-words of at most 75 characters, each holding whole
 * characters (a surrogate pair or a UTF-8 sequence is never split).
 */
export function encodedWords(text: string): string[] {
  const encoder = new TextEncoder();
  const words: string[] = [];
  // "=?utf-8?B?" + "?=" leave 63 characters of base64 inside 75: 45 bytes.
  const maxBytes = 45;
  let chunk: number[] = [];
  for (const char of text) {
    const bytes = encoder.encode(char);
    if (chunk.length + bytes.length > maxBytes) {
      words.push(encodedWord(chunk));
      chunk = [];
    }
    chunk.push(...bytes);
  }
  if (chunk.length > 0 || words.length === 0) words.push(encodedWord(chunk));
  return words;
}

function encodedWord(bytes: number[]): string {
  return `=?utf-8?B?${btoa(String.fromCharCode(...bytes))}?=`;
}

/**
 * "Name: value", folded at spaces so lines stay near 78 characters. A word
 * that cannot be folded and would pass 998 characters is refused.
 */
function header(name: string, value: string): string {
  const words = value.split(" ");
  const lines: string[] = [];
  let line = `${name}:`;
  for (const [index, word] of words.entries()) {
    if (index > 0 && line.length + 1 + word.length > FOLD_AT && line.trim() !== "") {
      lines.push(line);
      line = "";
    }
    line += ` ${word}`;
  }
  lines.push(line);
  if (lines.some((l) => l.length > MAX_LINE_LENGTH)) {
    throw new MessageError("headers", `${name} has a word too long for one line`);
  }
  return lines.join("\r\n");
}

/**
 * Quoted-printable (RFC 2045 §6.7) of the UTF-8 text, with CRLF hard line
 * breaks (any CR, LF or CRLF in the text becomes one) and soft breaks keeping
 * every line within 76 characters. A line that starts with "." or "From " is
 * encoded at that spot too, so a relay that forgets dot-stuffing or an mbox
 * file cannot change it.
 */
export function quotedPrintable(text: string): string {
  const encoder = new TextEncoder();
  const out: string[] = [];
  for (const line of text.split(/\r\n|\r|\n/)) {
    const bytes = encoder.encode(line);
    const tokens: string[] = [];
    for (const [index, byte] of bytes.entries()) {
      const last = index === bytes.length - 1;
      const literal = (byte >= 33 && byte <= 126 && byte !== 61) || ((byte === 32 || byte === 9) && !last);
      tokens.push(literal ? String.fromCharCode(byte) : `=${byte.toString(16).toUpperCase().padStart(2, "0")}`);
    }
    if (tokens[0] === ".") tokens[0] = "=2E";
    if (line.startsWith("From ")) tokens[0] = "=46";
    let current = "";
    for (const token of tokens) {
      if (current.length + token.length > 75) {
        out.push(`${current}=`);
        current = "";
      }
      current += token;
    }
    out.push(current);
  }
  return out.join("\r\n");
}
