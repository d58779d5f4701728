import { describe, expect, it } from "vitest";
import { alertMail, MAIL_NOTICES } from "../../../worker/core/alerting/alert-mail.ts";
import { HOSTILE_TITLE, message } from "../../helpers/alert-notices.ts";

describe("alert mail", () => {
  it("says what broke in the subject and every fact and link in the body", () => {
    const mail = alertMail(message(1));
    expect(mail.subject).toBe("[Lookout] Critical: Service 0 is down");
    for (const words of [
      "HTTP 503 from https://svc-0.acme.example/healthCheck",
      "Components: Service 0",
      "Regions: weur, enam",
      "First failing check: 2026-12-05T20:59:30.000Z",
      "Acknowledge: https://status.acme.example/alerts/al_0/ack/",
      "Incident: https://status.acme.example/incidents/inc_0",
    ]) {
      expect(mail.text).toContain(words);
    }
    expect(mail.html).toContain('href="https://status.acme.example/components/cmp_0"');
  });

  it("keeps a hostile title out of the subject's line breaks and the HTML's markup", () => {
    const mail = alertMail(message(1, "trigger", { title: HOSTILE_TITLE }));
    expect(mail.subject).not.toMatch(/[\r\n]/);
    expect(mail.html).not.toContain("<b>bold</b>");
    expect(mail.html).not.toContain('<a href="https://evil.example">');
    expect(mail.html).toContain("&lt;b&gt;bold&lt;/b&gt;");
  });

  it("lists a large group up to its limit and says how many more", () => {
    const mail = alertMail(message(500));
    expect(mail.subject).toBe("[Lookout] 500 alerts on Acme Status: 500 firing");
    expect(new Set([...mail.text.matchAll(/Service (\d+) is down/g)].map((m) => m[1])).size).toBe(MAIL_NOTICES);
    expect(mail.text).toContain(`…and ${500 - MAIL_NOTICES} more`);
  });

  it("says it recovered", () => {
    expect(alertMail(message(1, "resolve")).subject).toBe("[Lookout] Resolved: Service 0 is down");
  });
});
