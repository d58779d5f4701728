import type { Context } from "hono";
import type { PageInfo } from "../core/read-model.ts";
import type { ConsoleEnv } from "./console-env.ts";
import { layoutProps, refuse, renderConsole } from "./render.ts";
import { ConsoleNotFound } from "./views/console-not-found.tsx";

/** The way back from an incident's page that cannot be shown. */
export const TO_DASHBOARD = { href: "/console", label: "Back to the dashboard" };

/**
 * When the API would not give a page its record: a 404 page for an id it
 * does not know (with a way back), anything else in the API's own words.
 */
export function unavailable(
  c: Context<ConsoleEnv>,
  page: PageInfo,
  failed: { status: number; message: string },
  what: string,
  back: { href: string; label: string },
): Promise<Response> | Response {
  if (failed.status !== 404) return refuse(c, failed);
  return renderConsole(c, <ConsoleNotFound {...layoutProps(c, page)} what={what} back={back} />, 404);
}
