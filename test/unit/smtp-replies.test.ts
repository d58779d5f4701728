import { describe, expect, it } from "vitest";
import {
  authPlain,
  command,
  dataPayload,
  dotStuff,
  failureOutcome,
  isExpected,
  parseEhlo,
  replyText,
  type SmtpReply,
  takeReply,
} from "../../worker/core/email/smtp-replies.ts";

const reply = (code: number, ...lines: string[]): SmtpReply => ({ code, lines });

describe("takeReply", () => {
  it("reads a one-line reply and leaves what follows", () => {
    expect(takeReply("250 2.1.0 Ok\r\n354 go ahead\r\n")).toEqual({
      kind: "reply",
      reply: reply(250, "2.1.0 Ok"),
      rest: "354 go ahead\r\n",
    });
  });

  it("reads a multi-line reply to its last line", () => {
    const ehlo = "250-mail.example Hello\r\n250-SIZE 10240000\r\n250-STARTTLS\r\n250 AUTH PLAIN LOGIN\r\n";
    expect(takeReply(ehlo)).toEqual({
      kind: "reply",
      reply: reply(250, "mail.example Hello", "SIZE 10240000", "STARTTLS", "AUTH PLAIN LOGIN"),
      rest: "",
    });
  });

  it("waits for the rest of a reply that has not all arrived", () => {
    expect(takeReply("")).toEqual({ kind: "incomplete" });
    expect(takeReply("250 Ok")).toEqual({ kind: "incomplete" });
    expect(takeReply("250-first\r\n250-sec")).toEqual({ kind: "incomplete" });
    expect(takeReply("250-first\r\n")).toEqual({ kind: "incomplete" });
  });

  it("accepts bare LF line ends and a code with no text", () => {
    expect(takeReply("220\n")).toEqual({ kind: "reply", reply: reply(220, ""), rest: "" });
    expect(takeReply("221 bye\n")).toEqual({ kind: "reply", reply: reply(221, "bye"), rest: "" });
  });

  it.each([
    ["text that is not SMTP", "HTTP/1.1 400 Bad Request\r\n"],
    ["a code out of range", "650 what\r\n"],
    ["lines that disagree on the code", "250-one\r\n550 two\r\n"],
    ["a code without its separator", "250Ok\r\n"],
  ])("calls %s malformed", (_what, text) => {
    expect(takeReply(text).kind).toBe("malformed");
  });
});

describe("replyText", () => {
  it("gives the code and the lines on one line, shortened", () => {
    expect(replyText(reply(550, "5.1.1 <x@example.com>:", "no such user"))).toBe(
      "550 5.1.1 <x@example.com>: no such user",
    );
    expect(replyText(reply(250, "x".repeat(1_000)), 20)).toBe(`250 ${"x".repeat(15)}…`);
  });
});

describe("failureOutcome", () => {
  it("calls 4xx temporary and 5xx permanent", () => {
    expect(failureOutcome(reply(421))).toBe("temporary");
    expect(failureOutcome(reply(450))).toBe("temporary");
    expect(failureOutcome(reply(452))).toBe("temporary");
    expect(failureOutcome(reply(550))).toBe("permanent");
    expect(failureOutcome(reply(554))).toBe("permanent");
    expect(failureOutcome(reply(535))).toBe("permanent");
  });

  it("calls an unexpected success temporary: the server is confused, not the address bad", () => {
    expect(failureOutcome(reply(354))).toBe("temporary");
    expect(failureOutcome(reply(250))).toBe("temporary");
  });

  it("treats 552 at RCPT as 452, as RFC 5321 asks", () => {
    expect(failureOutcome(reply(552), "recipient")).toBe("temporary");
    expect(failureOutcome(reply(552))).toBe("permanent");
  });
});

describe("isExpected", () => {
  it("takes any 2xx, or exactly the code asked for", () => {
    expect(isExpected(reply(250))).toBe(true);
    expect(isExpected(reply(251))).toBe(true);
    expect(isExpected(reply(354))).toBe(false);
    expect(isExpected(reply(354), 354)).toBe(true);
    expect(isExpected(reply(250), 354)).toBe(false);
  });
});

describe("parseEhlo", () => {
  it("finds STARTTLS, the AUTH mechanisms and SIZE", () => {
    expect(
      parseEhlo(reply(250, "mail.example", "PIPELINING", "SIZE 1000", "starttls", "AUTH PLAIN login", "AUTH=CRAM-MD5")),
    ).toEqual({ starttls: true, auth: ["PLAIN", "LOGIN", "CRAM-MD5"], size: 1000 });
  });

  it("finds nothing in a bare greeting line", () => {
    expect(parseEhlo(reply(250, "mail.example STARTTLS AUTH PLAIN"))).toEqual({
      starttls: false,
      auth: [],
      size: null,
    });
    expect(parseEhlo(reply(250, "mail.example", "SIZE"))).toEqual({ starttls: false, auth: [], size: null });
  });
});

describe("dotStuff and dataPayload", () => {
  it("doubles a leading dot and leaves other dots alone", () => {
    expect(dotStuff(".\r\n..two\r\na.b\r\n.")).toBe("..\r\n...two\r\na.b\r\n..");
  });

  it("ends the data with CRLF . CRLF, adding the CRLF a message lacks", () => {
    expect(dataPayload("Subject: x\r\n\r\nbody\r\n")).toBe("Subject: x\r\n\r\nbody\r\n.\r\n");
    expect(dataPayload("Subject: x\r\n\r\nbody")).toBe("Subject: x\r\n\r\nbody\r\n.\r\n");
  });

  it("makes bare CR and LF into CRLF, so no body can end the data early (SMTP smuggling)", () => {
    const smuggled = "body\n.\nMAIL FROM:<x@evil.example>\r.\r\n";
    const payload = dataPayload(smuggled);
    expect(payload).toBe("body\r\n..\r\nMAIL FROM:<x@evil.example>\r\n..\r\n.\r\n");
    expect(payload.indexOf("\r\n.\r\n")).toBe(payload.length - 5);
    expect(payload).not.toMatch(/\r(?!\n)|(?<!\r)\n/);
  });
});

describe("authPlain", () => {
  it("encodes NUL user NUL password in base64 (RFC 4616's example)", () => {
    expect(authPlain("tim", "tanstaaftanstaaf")).toBe("AHRpbQB0YW5zdGFhZnRhbnN0YWFm");
  });

  it("encodes a non-ASCII password as UTF-8", () => {
    expect(atob(authPlain("u", "pässwörd"))).toBe("\u0000u\u0000p\u00c3\u00a4ssw\u00c3\u00b6rd");
  });
});

describe("command", () => {
  it("ends a command with CRLF", () => {
    expect(command("MAIL", "FROM:<a@example.com>")).toBe("MAIL FROM:<a@example.com>\r\n");
    expect(command("QUIT")).toBe("QUIT\r\n");
  });

  it("refuses an argument that would add a second command", () => {
    expect(() => command("RCPT", "TO:<a@example.com>\r\nRCPT TO:<b@example.com>")).toThrow(/control character/);
    expect(() => command("EHLO", "host\n")).toThrow();
  });
});
