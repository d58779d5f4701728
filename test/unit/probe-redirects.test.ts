import { describe, expect, it } from "vitest";
import { nextRedirect, type RedirectInput, requestKey } from "../../worker/core/probes/redirects.ts";

const start = "https://api.example/health";

function step(fields: Partial<RedirectInput>) {
  return nextRedirect({
    url: start,
    method: "GET",
    status: 302,
    location: "/health/",
    hops: 0,
    visited: new Set([requestKey("GET", start)]),
    followRedirects: true,
    maxRedirects: 5,
    ...fields,
  });
}

describe("nextRedirect", () => {
  it("follows a relative Location against the current URL", () => {
    expect(step({})).toEqual({
      kind: "follow",
      url: "https://api.example/health/",
      method: "GET",
      keepBody: true,
      keepCredentials: true,
    });
  });

  it("is final for a response that is not a redirect, or one with no Location", () => {
    expect(step({ status: 200 })).toEqual({ kind: "final" });
    expect(step({ status: 304 })).toEqual({ kind: "final" });
    expect(step({ location: null })).toEqual({ kind: "final" });
  });

  it("is final when the monitor does not follow redirects", () => {
    expect(step({ followRedirects: false })).toEqual({ kind: "final" });
  });

  it("fails past maxRedirects, counting the hop that would exceed it", () => {
    expect(step({ hops: 5, location: "/six" })).toEqual({ kind: "fail", failure: { kind: "redirects", count: 6 } });
    expect(step({ hops: 4, location: "/five" }).kind).toBe("follow");
    expect(step({ maxRedirects: 0 })).toEqual({ kind: "fail", failure: { kind: "redirects", count: 1 } });
  });

  it("catches a loop back to a request already made", () => {
    const visited = new Set([requestKey("GET", start), requestKey("GET", "https://api.example/login")]);
    expect(step({ url: "https://api.example/login", location: "/health", hops: 1, visited })).toEqual({
      kind: "fail",
      failure: { kind: "redirects", count: 2, loopAt: start },
    });
  });

  it("does not call POST then GET of the same URL a loop", () => {
    const visited = new Set([requestKey("POST", start)]);
    expect(step({ method: "POST", status: 303, location: start, visited })).toMatchObject({
      kind: "follow",
      method: "GET",
      keepBody: false,
    });
  });

  it("changes the method as browsers do", () => {
    expect(step({ method: "POST", status: 301 })).toMatchObject({ method: "GET", keepBody: false });
    expect(step({ method: "POST", status: 302 })).toMatchObject({ method: "GET", keepBody: false });
    expect(step({ method: "PUT", status: 303 })).toMatchObject({ method: "GET", keepBody: false });
    expect(step({ method: "POST", status: 307 })).toMatchObject({ method: "POST", keepBody: true });
    expect(step({ method: "PUT", status: 308 })).toMatchObject({ method: "PUT", keepBody: true });
    expect(step({ method: "HEAD", status: 303 })).toMatchObject({ method: "HEAD" });
  });

  it("keeps credentials only within the origin", () => {
    expect(step({ location: "https://api.example:443/x" })).toMatchObject({ keepCredentials: true });
    expect(step({ location: "https://login.example/x" })).toMatchObject({ keepCredentials: false });
    expect(step({ location: "http://api.example/x" })).toMatchObject({ keepCredentials: false });
  });

  it("drops the fragment, which never reaches a server", () => {
    expect(step({ location: "/status#top" })).toMatchObject({ url: "https://api.example/status" });
  });

  it("refuses a Location that is not an http(s) URL", () => {
    expect(step({ location: "ftp://files.example/" })).toEqual({
      kind: "fail",
      failure: { kind: "network", detail: "redirect to a non-HTTP URL: ftp:" },
    });
    expect(step({ location: "http://[broken" })).toMatchObject({ kind: "fail", failure: { kind: "network" } });
  });
});
