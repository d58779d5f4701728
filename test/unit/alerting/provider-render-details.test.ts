/**
 * What each provider's message says and how it defends itself: a hostile
 * title stays text in every markup (Telegram HTML, Discord and Teams
 * markdown, ntfy headers), severities map once (severity.ts), and the
 * trackers' events (Opsgenie create/close) follow the thread.
 */
import { describe, expect, it } from "vitest";
import type { AlertSeverity } from "../../../worker/core/alerting/alert.ts";
import { discordPayload } from "../../../worker/core/alerting/providers/discord.ts";
import { headerText, ntfyRequest } from "../../../worker/core/alerting/providers/ntfy.ts";
import { opsgenieRequest } from "../../../worker/core/alerting/providers/opsgenie.ts";
import { teamsPayload } from "../../../worker/core/alerting/providers/teams.ts";
import { telegramText } from "../../../worker/core/alerting/providers/telegram.ts";
import { SEVERITY_LOOKS, worstFirst } from "../../../worker/core/alerting/severity.ts";
import { channelFor } from "../../helpers/alert-channels.ts";
import { HOSTILE_TITLE, message, notice } from "../../helpers/alert-notices.ts";
import { ALERT_PROVIDERS } from "../../helpers/node/alert-receivers/addresses.ts";
import { parseTelegramHtml } from "../../helpers/node/alert-receivers/telegram.ts";

const addresses = Object.fromEntries(ALERT_PROVIDERS.map((p) => [p, "http://127.0.0.1:9"])) as Record<
  (typeof ALERT_PROVIDERS)[number],
  string
>;
const hostile = () => message(1, "trigger", { title: HOSTILE_TITLE });

describe("a hostile title stays text", () => {
  it("in Telegram's HTML: valid markup, the title shown as typed, no link of its own", () => {
    const html = telegramText(hostile());
    const parsed = parseTelegramHtml(html);
    expect(parsed).toHaveProperty("text");
    expect((parsed as { text: string }).text).toContain('<b>bold</b> <a href="https://evil.example">x</a> &');
    expect(html).not.toContain('<a href="https://evil.example">');
    expect(html).not.toMatch(/Injected: yes[^<]*\n/);
  });

  it("in Discord: no mention pings, no markdown link, no bold", () => {
    const payload = discordPayload(hostile());
    expect(payload.allowed_mentions).toEqual({ parse: [] });
    const all = JSON.stringify(payload);
    expect(all).not.toContain("[click](");
    expect(all).toContain("\\\\[click\\\\]\\\\(");
    expect(payload.content).not.toContain("@everyone");
  });

  it("in a Teams card: no markdown link", () => {
    const all = JSON.stringify(teamsPayload(hostile()));
    expect(all).not.toContain("[click](");
  });

  it("in ntfy's Title header: one ASCII line, anything else as an RFC 2047 word", () => {
    expect(headerText("REST API is down\r\nX-Injected: yes")).toBe("REST API is down X-Injected: yes");
    const encoded = headerText("Zürich API is down");
    expect(encoded).toMatch(/^=\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=$/);
    const base64 = encoded.slice("=?UTF-8?B?".length, -2);
    expect(new TextDecoder().decode(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)))).toBe("Zürich API is down");
  });
});

describe("severity, mapped once", () => {
  const ntfy = channelFor("ntfy", addresses, "s");
  const ntfyHeaders = (severity: AlertSeverity, kind: "trigger" | "resolve" = "trigger") => {
    const request = ntfyRequest(ntfy.channel as never, (n) => ntfy.secrets[n], message(1, kind, { severity }));
    if ("missing" in request) throw new Error("missing");
    return request.headers;
  };

  it("gives ntfy priorities 5 to 2, and a recovery the default 3 with a check mark", () => {
    expect((["critical", "error", "warning", "info"] as const).map((s) => ntfyHeaders(s).Priority)).toEqual([
      "5",
      "4",
      "3",
      "2",
    ]);
    expect(ntfyHeaders("critical", "resolve")).toMatchObject({
      Priority: "3",
      Tags: "white_check_mark,resolved,lookout",
    });
  });

  it("gives Opsgenie P1 to P4", () => {
    const og = channelFor("opsgenie", addresses, "s");
    const priorities = (["critical", "error", "warning", "info"] as const).map((severity) => {
      const request = opsgenieRequest(og.channel as never, (n) => og.secrets[n], message(1, "trigger", { severity }));
      return "missing" in request ? "" : (JSON.parse(request.body) as { priority: string }).priority;
    });
    expect(priorities).toEqual(["P1", "P2", "P3", "P4"]);
    expect(Object.values(SEVERITY_LOOKS).map((l) => l.opsgenie)).toEqual(priorities);
  });

  it("lists what fires before what recovered, worst first, in the given order otherwise", () => {
    const ordered = worstFirst([
      notice(1, { severity: "info" }),
      notice(2, { severity: "critical", notice: "resolve" }),
      notice(3, { severity: "warning", notice: "reminder" }),
      notice(4, { severity: "warning" }),
      notice(5, { severity: "critical" }),
    ]);
    expect(ordered.map((n) => n.alertId)).toEqual(["al_0005", "al_0004", "al_0003", "al_0001", "al_0002"]);
  });
});

describe("Opsgenie", () => {
  const og = channelFor("opsgenie", addresses, "s");
  const render = (msg: ReturnType<typeof message>) => {
    const request = opsgenieRequest(og.channel as never, (n) => og.secrets[n], msg);
    if ("missing" in request) throw new Error("missing");
    return request;
  };

  it("creates an alert with the thread as alias, authorised by GenieKey, its message within 130", () => {
    const request = render(message(1, "trigger", { title: "x".repeat(400) }));
    expect(request.url).toBe("http://127.0.0.1:9/s/v2/alerts");
    expect(request.headers.Authorization).toBe(`GenieKey ${og.secrets.OPSGENIE_KEY}`);
    const body = JSON.parse(request.body) as { alias: string; message: string };
    expect(body.alias).toBe("thr_01JEXAMPLE");
    expect(body.message.length).toBeLessThanOrEqual(130);
  });

  it("closes it by alias when every notice recovered", () => {
    const msg = { ...message(2, "resolve"), thread: "thr/with space" };
    expect(render(msg).url).toBe("http://127.0.0.1:9/s/v2/alerts/thr%2Fwith%20space/close?identifierType=alias");
  });
});
