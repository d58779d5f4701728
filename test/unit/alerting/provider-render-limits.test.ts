/**
 * Every provider's renderer, run through the very contract check its local
 * receiver applies (test/helpers/node/alert-receivers/): one notice, and
 * grouped messages of 10 and 500 stay within the provider's limits and keep
 * the count of what did not fit.
 */
import { describe, expect, it } from "vitest";
import type { ChannelRequest } from "../../../worker/core/alerting/message.ts";
import { renderRequest } from "../../../worker/core/alerting/providers/index.ts";
import { channelFor } from "../../helpers/alert-channels.ts";
import { message } from "../../helpers/alert-notices.ts";
import { ALERT_PROVIDERS } from "../../helpers/node/alert-receivers/addresses.ts";
import type { IncomingAlert } from "../../helpers/node/alert-receivers/contract.ts";
import { CONTRACTS } from "../../helpers/node/alert-receivers/contracts.ts";

const BASE = "http://127.0.0.1:9";
const addresses = Object.fromEntries(ALERT_PROVIDERS.map((p) => [p, BASE]));
const PROVIDERS = ALERT_PROVIDERS.filter((p) => CONTRACTS[p]);

/** The request as the receiver would see it: its path after the scope. */
function incoming(request: ChannelRequest): IncomingAlert {
  const url = new URL(request.url);
  return {
    method: request.method,
    path: url.pathname.replace(/^\/scope/, ""),
    query: Object.fromEntries(url.searchParams),
    headers: Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v])),
    body: request.body,
  };
}

/** What a person sees: the body, and for ntfy the Title header too. */
function visible(request: ChannelRequest): string {
  return `${request.headers.Title ?? ""}\n${request.body}`;
}

describe.each(PROVIDERS)("%s renderer", (provider) => {
  const { channel, secrets } = channelFor(provider, addresses, "scope");
  const contract = CONTRACTS[provider];
  const render = async (count: number, kind: "trigger" | "resolve" = "trigger") => {
    const request = await renderRequest(channel, (name) => secrets[name], message(count, kind), Date.now());
    if ("missing" in request) throw new Error(`missing ${request.missing.join(", ")}`);
    return request;
  };

  it.each([1, 10, 500])("renders %i notices within the provider's contract", async (count) => {
    expect(contract?.check(incoming(await render(count)))).toEqual([]);
  });

  it("keeps the count of the notices that did not fit", async () => {
    const text = visible(await render(500));
    expect(text).toContain("500 alerts on Acme Status");
    const distinct = new Set([...text.matchAll(/Service (\d+) is down/g)].map((m) => m[1])).size;
    expect(distinct).toBeGreaterThan(0);
    expect(distinct).toBeLessThan(500);
    expect(text).toContain(`and ${500 - distinct} more`);
  });

  it("renders a resolve within the contract", async () => {
    expect(contract?.check(incoming(await render(3, "resolve")))).toEqual([]);
  });

  it("leaves out a link that is not an http(s) URL rather than have the whole message refused", async () => {
    const msg = message(2, "trigger", {
      links: { componentPage: "not a url", incident: "javascript:alert(1)", acknowledge: "" },
    });
    msg.page = { name: "Acme Status", url: "" };
    const request = await renderRequest(channel, (name) => secrets[name], msg, Date.now());
    if ("missing" in request) throw new Error("missing");
    expect(contract?.check(incoming(request))).toEqual([]);
    expect(request.body).not.toContain("javascript:");
  });

  it("names the missing secrets and renders nothing without them", async () => {
    const result = await renderRequest(channel, () => undefined, message(1), 0);
    expect(result).toEqual({ missing: Object.keys(secrets) });
  });
});
