import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  buildMime,
  type EmailMessage,
  encodedWords,
  formatDate,
  MessageError,
  quotedPrintable,
} from "../../worker/core/email/message.ts";

const NOW = new Date("2026-07-07T09:05:03Z");

function message(overrides: Partial<EmailMessage> = {}): EmailMessage {
  return {
    from: { name: "Acme Status", address: "status@acme.example" },
    to: "ada@example.com",
    subject: "Investigating: API errors",
    text: "We are investigating.\n\nhttps://status.acme.example/incidents/01J",
    html: "<p>We are investigating.</p>",
    headers: {
      "List-Unsubscribe": "<https://status.acme.example/subscriptions/abc/unsubscribe>",
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    },
    messageId: "01JABC.incident-1@status.acme.example",
    ...overrides,
  };
}

/** The header block, unfolded, as name → values. */
function headersOf(mime: string): Map<string, string[]> {
  const block = mime.slice(0, mime.indexOf("\r\n\r\n"));
  const headers = new Map<string, string[]>();
  for (const line of block.replace(/\r\n(?=[ \t])/g, "").split("\r\n")) {
    const colon = line.indexOf(":");
    const name = line.slice(0, colon).toLowerCase();
    headers.set(name, [...(headers.get(name) ?? []), line.slice(colon + 1).trim()]);
  }
  return headers;
}

function decodeEncodedWords(value: string): string {
  const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });
  return value
    .split(/(?<=\?=) (?==\?)/)
    .map((word) => {
      const match = /^=\?utf-8\?B\?([A-Za-z0-9+/=]*)\?=$/.exec(word);
      if (!match) return word;
      // Each word must hold whole characters: decoding it alone must not fail.
      return decoder.decode(Uint8Array.from(atob(match[1] ?? ""), (c) => c.charCodeAt(0)));
    })
    .join("");
}

function decodeQuotedPrintable(encoded: string): string {
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  const text = encoded.replace(/=\r\n/g, "");
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "=") {
      bytes.push(Number.parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...encoder.encode(text[i]));
    }
  }
  return new TextDecoder().decode(Uint8Array.from(bytes));
}

/** The body of the part with this content type, still encoded. */
function partBody(mime: string, type: string): string {
  const start = mime.indexOf(`Content-Type: ${type}`);
  const body = mime.indexOf("\r\n\r\n", start) + 4;
  return mime.slice(body, mime.indexOf("\r\n--=_lookout-alternative", body));
}

describe("buildMime", () => {
  it("writes the headers a mail client expects, in CRLF lines", () => {
    const mime = buildMime(message(), NOW);
    expect(mime).not.toMatch(/\r(?!\n)|(?<!\r)\n/);
    const headers = headersOf(mime);
    expect(headers.get("date")).toEqual(["Tue, 07 Jul 2026 09:05:03 +0000"]);
    expect(headers.get("from")).toEqual(['"Acme Status" <status@acme.example>']);
    expect(headers.get("to")).toEqual(["ada@example.com"]);
    expect(headers.get("subject")).toEqual(["Investigating: API errors"]);
    expect(headers.get("message-id")).toEqual(["<01JABC.incident-1@status.acme.example>"]);
    expect(headers.get("mime-version")).toEqual(["1.0"]);
    expect(headers.get("list-unsubscribe")).toEqual(["<https://status.acme.example/subscriptions/abc/unsubscribe>"]);
    expect(headers.get("list-unsubscribe-post")).toEqual(["List-Unsubscribe=One-Click"]);
    expect(headers.get("content-type")).toEqual(['multipart/alternative; boundary="=_lookout-alternative"']);
  });

  it("puts the text part first and the HTML part last, both UTF-8 quoted-printable", () => {
    const mime = buildMime(message({ text: "Tout va bien ✅", html: "<p>数据库已恢复</p>" }), NOW);
    const parts = mime.split("--=_lookout-alternative");
    expect(parts).toHaveLength(4);
    expect(parts[1]).toContain(
      "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable",
    );
    expect(parts[2]).toContain("Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable");
    expect(parts[3]).toBe("--\r\n");
    expect(decodeQuotedPrintable(partBody(mime, "text/plain"))).toBe("Tout va bien ✅");
    expect(decodeQuotedPrintable(partBody(mime, "text/html"))).toBe("<p>数据库已恢复</p>");
    // 7-bit on the wire: no 8BITMIME or SMTPUTF8 needed from the relay.
    expect(mime).toMatch(/^[\x20-\x7e\r\n\t]*$/);
  });

  it("keeps every line within 998 characters, whatever the content", () => {
    const long = `${"a".repeat(5_000)} ${"é".repeat(3_000)}`;
    const mime = buildMime(
      message({
        subject: `${"word ".repeat(300)}${"x".repeat(2_000)}`,
        text: long,
        html: `<p>${long}</p>`,
        from: { name: "N".repeat(400), address: "status@acme.example" },
        headers: { "List-Unsubscribe": `<mailto:u@acme.example>, <https://acme.example/${"p".repeat(600)}>` },
      }),
      NOW,
    );
    for (const line of mime.split("\r\n")) expect(line.length).toBeLessThanOrEqual(998);
    expect(decodeEncodedWords(headersOf(mime).get("subject")?.[0] ?? "")).toBe(
      `${"word ".repeat(300)}${"x".repeat(2_000)}`,
    );
  });

  it("encodes a non-ASCII subject as encoded-words that each hold whole characters", () => {
    const subject = "Résolu : la base de données répond de nouveau — 数据库已恢复 ✅ 👩🏽‍💻".repeat(3);
    const mime = buildMime(message({ subject }), NOW);
    const value = headersOf(mime).get("subject")?.[0] ?? "";
    for (const word of value.split(" ")) expect(word.length).toBeLessThanOrEqual(75);
    expect(decodeEncodedWords(value)).toBe(subject);
  });

  it("encodes an ASCII subject that would otherwise read as an encoded-word", () => {
    const subject = "=?utf-8?B?SGFja2Vk?= subject";
    const value = headersOf(buildMime(message({ subject }), NOW)).get("subject")?.[0] ?? "";
    expect(value).toMatch(/^=\?utf-8\?B\?/);
    expect(decodeEncodedWords(value)).toBe(subject);
  });

  it("turns line breaks in free text into spaces, so no header can be added", () => {
    const mime = buildMime(
      message({
        subject: "Outage\r\nBcc: everyone@example.com\n\nbody",
        from: { name: "Acme\r\nX-Injected: yes", address: "status@acme.example" },
      }),
      NOW,
    );
    const headers = headersOf(mime);
    expect(headers.has("bcc")).toBe(false);
    expect(headers.has("x-injected")).toBe(false);
    expect(headers.get("subject")).toEqual(["Outage Bcc: everyone@example.com body"]);
    expect(headers.get("from")).toEqual(['"Acme X-Injected: yes" <status@acme.example>']);
  });

  it("quotes a display name with specials, and encodes a non-ASCII one", () => {
    const quoted = buildMime(message({ from: { name: 'Acme "Ops", \\ Status', address: "s@acme.example" } }), NOW);
    expect(headersOf(quoted).get("from")).toEqual(['"Acme \\"Ops\\", \\\\ Status" <s@acme.example>']);
    const encoded = buildMime(message({ from: { name: "Überwachung", address: "s@acme.example" } }), NOW);
    const from = headersOf(encoded).get("from")?.[0] ?? "";
    expect(from).toMatch(/^=\?utf-8\?B\?[^ ]+\?= <s@acme\.example>$/);
    expect(decodeEncodedWords(from.replace(/ <.*$/, ""))).toBe("Überwachung");
    expect(headersOf(buildMime(message({ from: { address: "s@acme.example" } }), NOW)).get("from")).toEqual([
      "s@acme.example",
    ]);
  });

  it("folds a long header at spaces, and unfolding gives the value back", () => {
    const value = `<mailto:unsubscribe@acme.example?subject=${"u".repeat(40)}>, <https://status.acme.example/${"p".repeat(60)}>`;
    const mime = buildMime(message({ headers: { "List-Unsubscribe": value } }), NOW);
    const raw = mime.slice(0, mime.indexOf("\r\n\r\n"));
    expect(raw).toContain("List-Unsubscribe: <mailto:");
    expect(raw).toMatch(/,\r\n <https:/);
    expect(headersOf(mime).get("list-unsubscribe")).toEqual([value]);
  });

  it.each([
    ["a header value with a line break", { headers: { "X-Evil": "a\r\nBcc: victim@example.com" } }, "headers"],
    ["a header value with a bare LF", { headers: { "X-Evil": "a\nb" } }, "headers"],
    ["a non-ASCII header value", { headers: { "X-Note": "café" } }, "headers"],
    ["a header name with a colon", { headers: { "X-A: b": "c" } }, "headers"],
    ["a header name with a space", { headers: { "X A": "c" } }, "headers"],
    ["a header the builder writes itself", { headers: { Bcc: "victim@example.com" } }, "headers"],
    ["a second Content-Type", { headers: { "content-type": "text/plain" } }, "headers"],
    ["a recipient with a line break", { to: "ada@example.com\r\nRCPT TO:<x@example.com>" }, "to"],
    ["a recipient with angle brackets", { to: "<ada@example.com>" }, "to"],
    ["a recipient that is no address", { to: "ada" }, "to"],
    ["a non-ASCII recipient", { to: "zoë@example.com" }, "to"],
    ["a sender with a space", { from: { address: "status @acme.example" } }, "from"],
    ["a message id in angle brackets", { messageId: "<abc@acme.example>" }, "messageId"],
    ["a message id with a line break", { messageId: "abc\r\n@acme.example" }, "messageId"],
    ["a message id without a domain", { messageId: "abc" }, "messageId"],
  ] as const)("refuses %s", (_what, overrides, field) => {
    let thrown: unknown;
    try {
      buildMime(message(overrides as Partial<EmailMessage>), NOW);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(MessageError);
    expect((thrown as MessageError).field).toBe(field);
  });
});

describe("quotedPrintable", () => {
  it("leaves plain ASCII readable and encodes the rest", () => {
    expect(quotedPrintable("Status: ok")).toBe("Status: ok");
    expect(quotedPrintable("a=b")).toBe("a=3Db");
    expect(quotedPrintable("café")).toBe("caf=C3=A9");
    expect(quotedPrintable("trailing space \nand tab\t")).toBe("trailing space=20\r\nand tab=09");
  });

  it("makes every line break CRLF", () => {
    expect(quotedPrintable("a\nb\r\nc\rd")).toBe("a\r\nb\r\nc\r\nd");
  });

  it("encodes a leading dot and a leading From, so no relay or mbox can change them", () => {
    expect(quotedPrintable(".\n.hidden\nFrom here\nFromage")).toBe("=2E\r\n=2Ehidden\r\n=46rom here\r\nFromage");
  });

  it("breaks long lines softly at 76 characters without splitting an escape", () => {
    const encoded = quotedPrintable("é".repeat(100));
    for (const line of encoded.split("\r\n")) {
      expect(line.length).toBeLessThanOrEqual(76);
      // At least one escape per line: an empty line would be a stray break in the text.
      expect(line).toMatch(/^(=[0-9A-F]{2})+=?$/);
    }
  });

  it("round-trips any text, in 7-bit lines of at most 76 characters", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 400 }), (text) => {
        const encoded = quotedPrintable(text);
        expect(encoded).toMatch(/^[\x20-\x7e\r\n]*$/);
        for (const line of encoded.split("\r\n")) expect(line.length).toBeLessThanOrEqual(76);
        expect(encoded).not.toContain("=_");
        expect(decodeQuotedPrintable(encoded)).toBe(text.replace(/\r\n|\r|\n/g, "\n"));
      }),
    );
  });
});

describe("encodedWords", () => {
  it("round-trips any text in words of at most 75 characters", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", minLength: 1, maxLength: 200 }), (text) => {
        const words = encodedWords(text);
        for (const word of words) expect(word.length).toBeLessThanOrEqual(75);
        expect(decodeEncodedWords(words.join(" "))).toBe(text);
      }),
    );
  });
});

describe("formatDate", () => {
  it("writes RFC 5322 dates in UTC", () => {
    expect(formatDate(new Date("2026-01-04T00:00:00Z"))).toBe("Sun, 04 Jan 2026 00:00:00 +0000");
    expect(formatDate(new Date("2026-12-31T23:59:59.999Z"))).toBe("Thu, 31 Dec 2026 23:59:59 +0000");
  });
});
