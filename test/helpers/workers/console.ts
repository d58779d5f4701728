import { expect } from "vitest";
import type { Role } from "../../../worker/core/access/roles.ts";
import { ADMIN_TOKEN_FOR_TESTS } from "../test-secrets.ts";
import { tokenFor } from "./console-api.ts";
import { fetchWorker } from "./worker.ts";

/** The origin fetchWorker's requests reach; the console's own forms post from it. */
export const CONSOLE_ORIGIN = "https://status.test";

/**
 * A browser's view of the console in a test: the cookies it was given, the
 * CSRF value its forms carry, and requests made the way its forms make them
 * (same origin, URL-encoded). Redirects are not followed, so a test sees them.
 */
export class ConsoleBrowser {
  readonly cookies = new Map<string, string>();
  csrf: string | null = null;

  async get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    const response = await fetchWorker(path, { headers: { ...this.#cookieHeader(), ...headers }, redirect: "manual" });
    this.#keep(response);
    // Read once and answer a copy: a clone's tee stalls the second read of a page larger than its buffer.
    const page = await response.text();
    const csrf = /name="_csrf" value="([0-9a-f]{32})"/.exec(page)?.[1];
    if (csrf) this.csrf = csrf;
    return new Response(page, { status: response.status, statusText: response.statusText, headers: response.headers });
  }

  /** The page at `path`, which must answer `status` (200 unless said). */
  async page(path: string, status = 200): Promise<string> {
    const answer = await this.get(path);
    const text = await answer.text();
    // What the page said instead, should it not answer as expected.
    expect(answer.status, `${path}: ${text.slice(0, 300)}`).toBe(status);
    return text;
  }

  /** A form post with this browser's CSRF value (read from the last page) unless `fields._csrf` says otherwise. */
  async post(path: string, fields: Record<string, string | string[]>, headers: Record<string, string> = {}) {
    const body = new URLSearchParams();
    if (this.csrf && !("_csrf" in fields)) body.append("_csrf", this.csrf);
    for (const [name, value] of Object.entries(fields)) {
      for (const one of Array.isArray(value) ? value : [value]) body.append(name, one);
    }
    const response = await fetchWorker(path, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        origin: CONSOLE_ORIGIN,
        "sec-fetch-site": "same-origin",
        ...this.#cookieHeader(),
        ...headers,
      },
      body: body.toString(),
      redirect: "manual",
    });
    this.#keep(response);
    return response;
  }

  /** Signs in through the sign-in form; the response is the form's answer (303 when it worked). */
  async signIn(token = ADMIN_TOKEN_FOR_TESTS, person = "Ada Lovelace"): Promise<Response> {
    await this.get("/console/sign-in");
    return this.post("/console/sign-in", { person, token, next: "/console" });
  }

  #cookieHeader(): Record<string, string> {
    if (this.cookies.size === 0) return {};
    return { cookie: [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ") };
  }

  #keep(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const at = pair?.indexOf("=") ?? -1;
      if (!pair || at < 0) continue;
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(line) || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
}

/** A browser already signed in with the bootstrap token (or `token`). */
export async function signedIn(token?: string, person?: string): Promise<ConsoleBrowser> {
  const browser = new ConsoleBrowser();
  const answer = await browser.signIn(token, person);
  if (answer.status !== 303) throw new Error(`sign-in answered ${answer.status}: ${await answer.text()}`);
  await browser.get("/console");
  return browser;
}

/** A browser signed in as `person` with a new token of `role`'s scopes. */
export async function signedInAs(role: Role, person: string): Promise<ConsoleBrowser> {
  const { token } = await tokenFor(role, `${role} for ${person}`);
  return signedIn(token, person);
}

/**
 * The form posting to `action` in a page, from its action to its end; it must
 * be there. A form that gets the same address (the declare page's template
 * chooser) is not it.
 */
export function formIn(page: string, action: string): string {
  const start = page.indexOf(`method="post" action="${action}"`);
  expect(start, `a form posting to ${action}`).toBeGreaterThan(-1);
  return page.slice(start, page.indexOf("</form>", start));
}
