import { describe, expect, it } from "vitest";
import {
  ambiguousFetchError,
  classifyFetchError,
  classifySocketError,
  isIpLiteral,
} from "../../worker/core/probes/classify-network-error.ts";

/** The errors workerd actually threw against the real targets (see classify-network-error.ts). */
const connectionLost = Object.assign(new Error("Network connection lost."), { remote: true, retryable: true });
const internalError = Object.assign(new Error("internal error; reference = dt04jcjnah5j309120c9b8j9"), {
  remote: true,
});
const socketFailed = new Error("proxy request failed, cannot connect to the specified address");
const socketFailedHttpPort = new Error(
  "proxy request failed, cannot connect to the specified address. It looks like you might be trying to connect to a HTTP-based service — consider using fetch instead",
);

const http = "http://api.example:8080/healthCheck";
const https = "https://api.example/healthCheck";

describe("classifyFetchError", () => {
  it("tells refused from reset by whether a plain connection opens", () => {
    expect(classifyFetchError(connectionLost, { url: http, duringBody: false, reachable: false })).toEqual({
      kind: "refused",
    });
    expect(classifyFetchError(connectionLost, { url: http, duringBody: false, reachable: true })).toEqual({
      kind: "reset",
    });
  });

  it("calls a connection lost while reading the body a reset", () => {
    expect(classifyFetchError(connectionLost, { url: http, duringBody: true, reachable: null })).toEqual({
      kind: "reset",
    });
  });

  it("says both causes when it could not tell", () => {
    expect(classifyFetchError(connectionLost, { url: http, duringBody: false, reachable: null })).toEqual({
      kind: "network",
      detail: "connection lost (refused or reset)",
    });
  });

  it("tells DNS from TLS by whether a plain connection opens", () => {
    expect(classifyFetchError(internalError, { url: https, duringBody: false, reachable: false })).toEqual({
      kind: "dns",
      host: "api.example",
    });
    expect(classifyFetchError(internalError, { url: https, duringBody: false, reachable: true })).toEqual({
      kind: "tls",
      detail: "handshake failed or certificate rejected",
    });
    expect(classifyFetchError(internalError, { url: http, duringBody: false, reachable: false })).toEqual({
      kind: "dns",
      host: "api.example",
    });
  });

  it("keeps workerd's words when an internal error has no known cause", () => {
    expect(classifyFetchError(internalError, { url: http, duringBody: false, reachable: true })).toEqual({
      kind: "network",
      detail: internalError.message,
    });
    expect(classifyFetchError(internalError, { url: https, duringBody: false, reachable: null })).toEqual({
      kind: "network",
      detail: "DNS lookup or TLS handshake failed",
    });
    // An address needs no lookup, so it cannot be a DNS failure.
    expect(
      classifyFetchError(internalError, { url: "http://10.0.0.7/", duringBody: false, reachable: false }).kind,
    ).toBe("network");
  });

  it("reads causes that are spelled out (workerd's log lines, other runtimes)", () => {
    const ctx = { url: https, duringBody: false, reachable: null };
    expect(classifyFetchError(new Error("disconnected: connect(): Connection refused"), ctx)).toEqual({
      kind: "refused",
    });
    expect(classifyFetchError(new Error("Connection reset by peer (os error 104)"), ctx)).toEqual({ kind: "reset" });
    expect(
      classifyFetchError(new Error("failed to lookup address information: Name or service not known"), ctx),
    ).toEqual({ kind: "dns", host: "api.example" });
    expect(classifyFetchError(new Error("getaddrinfo ENOTFOUND api.example"), ctx)).toEqual({
      kind: "dns",
      host: "api.example",
    });
    expect(classifyFetchError(new Error("TLS handshake failed: invalid peer certificate: Expired"), ctx)).toEqual({
      kind: "tls",
      detail: "handshake failed: invalid peer certificate: Expired",
    });
    expect(classifyFetchError(new Error("CERT_HAS_EXPIRED certificate has expired"), ctx)).toMatchObject({
      kind: "tls",
    });
  });

  it("falls back to a network error with the message on one line", () => {
    expect(
      classifyFetchError(new TypeError("Fetch API cannot load:\nbad"), {
        url: http,
        duringBody: false,
        reachable: null,
      }),
    ).toEqual({ kind: "network", detail: "Fetch API cannot load: bad" });
    expect(classifyFetchError("weird", { url: http, duringBody: false, reachable: null })).toEqual({
      kind: "network",
      detail: "weird",
    });
    expect(classifyFetchError(undefined, { url: http, duringBody: false, reachable: null })).toEqual({
      kind: "network",
      detail: "fetch failed",
    });
  });
});

describe("ambiguousFetchError", () => {
  it("recognises the two messages that stand for more than one cause", () => {
    expect(ambiguousFetchError(connectionLost)).toBe("connection_lost");
    expect(ambiguousFetchError(internalError)).toBe("internal_error");
    expect(ambiguousFetchError(new Error("internal error"))).toBe("internal_error");
    expect(ambiguousFetchError(new Error("The operation was aborted"))).toBeNull();
  });
});

describe("classifySocketError", () => {
  it("calls a failed connect to an address refused", () => {
    expect(classifySocketError(socketFailed, { hostname: "127.0.0.1", resolvable: null })).toEqual({ kind: "refused" });
    expect(classifySocketError(socketFailedHttpPort, { hostname: "::1", resolvable: null })).toEqual({
      kind: "refused",
    });
  });

  it("tells DNS from refused for a host name by whether the name resolves", () => {
    expect(classifySocketError(socketFailed, { hostname: "db.example", resolvable: false })).toEqual({
      kind: "dns",
      host: "db.example",
    });
    expect(classifySocketError(socketFailed, { hostname: "db.example", resolvable: true })).toEqual({
      kind: "refused",
    });
    expect(classifySocketError(socketFailed, { hostname: "db.example", resolvable: null })).toEqual({
      kind: "network",
      detail: "cannot connect (refused or DNS lookup failed)",
    });
  });

  it("keeps other errors' words", () => {
    expect(
      classifySocketError(new Error("Connections to port 25 are prohibited"), {
        hostname: "mx.example",
        resolvable: null,
      }),
    ).toEqual({ kind: "network", detail: "Connections to port 25 are prohibited" });
  });
});

describe("isIpLiteral", () => {
  it("knows addresses from names", () => {
    expect(isIpLiteral("127.0.0.1")).toBe(true);
    expect(isIpLiteral("[::1]")).toBe(true);
    expect(isIpLiteral("::1")).toBe(true);
    expect(isIpLiteral("localhost")).toBe(false);
    expect(isIpLiteral("1.2.3.example")).toBe(false);
  });
});
