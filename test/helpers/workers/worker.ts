import { env, exports } from "cloudflare:workers";
import { defineConfig } from "../../../worker/config/define-config.ts";

/** The Worker under test, exactly as deployed (its default export). */
export function fetchWorker(path: string, init?: RequestInit): Promise<Response> {
  const worker = (exports as unknown as { default: Fetcher }).default;
  return worker.fetch(new Request(`https://status.test${path}`, init));
}

/** The page's StatusPage object, the one the Worker reads. */
export function pageObject() {
  return env.STATUS_PAGE.get(env.STATUS_PAGE.idFromName("page"));
}

/** A separate StatusPage object, for tests that must not disturb the page. */
export function scratchObject(name: string) {
  return env.STATUS_PAGE.get(env.STATUS_PAGE.idFromName(name));
}

export const smallConfig = defineConfig({
  page: { name: "Scratch", url: "https://status.scratch.test" },
  groups: [{ id: "core", name: "Core" }],
  components: [
    { id: "api", name: "API", group: "core" },
    { id: "web", name: "Website" },
  ],
});

/**
 * Starts the page's object (schema, the deployed config, monitors) before a
 * file's tests: seconds on a busy machine, and not what those tests measure.
 */
export async function startPage(): Promise<void> {
  const answer = await fetchWorker("/healthCheck");
  await answer.body?.cancel();
}
