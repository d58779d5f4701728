import type { PageInfo } from "../../core/read-model.ts";
import { ConsoleLayout } from "./console-layout.tsx";

export type AccessRefusalView =
  | { kind: "unmapped"; email: string }
  | { kind: "invalid"; reason: string }
  | { kind: "unavailable"; teamDomain: string };

/**
 * Why Cloudflare Access let someone through but the console does not:
 * their email has no role, their Access token did not check out, or the
 * team's keys could not be read. Each says what to do next, and token
 * sign-in stays open (decision 0046).
 */
export function AccessRefusedPage({
  page,
  csrf,
  refusal,
}: {
  page: PageInfo;
  csrf: string;
  refusal: AccessRefusalView;
}) {
  const title =
    refusal.kind === "unmapped"
      ? "No console role for you yet"
      : refusal.kind === "invalid"
        ? "Cloudflare Access sign-in not accepted"
        : "Cloudflare Access cannot be checked right now";
  return (
    <ConsoleLayout page={page} title={title} viewer={null} csrf={csrf}>
      <div class="problems" role="alert">
        {refusal.kind === "unmapped" ? (
          <p>
            Cloudflare Access signed you in as <strong>{refusal.email}</strong>, but this status page gives that address
            no console role.
          </p>
        ) : refusal.kind === "invalid" ? (
          <p>Cloudflare Access sent a sign-in this page does not accept: {refusal.reason}.</p>
        ) : (
          <p>
            The signing keys of <code>{refusal.teamDomain}</code> could not be read, so nobody can be signed in through
            Access. Try again in a minute.
          </p>
        )}
      </div>
      {refusal.kind === "unmapped" ? (
        <p>
          Ask an admin of this page to give you a role (viewer, communicator, operator or admin): in{" "}
          <code>lookout.config.ts</code> under <code>console.people</code>, or through the API with{" "}
          <code>PUT /api/v1/people/{refusal.email}</code>. It works on your next visit.
        </p>
      ) : refusal.kind === "invalid" ? (
        <p>Reload the page to sign in through Cloudflare Access again.</p>
      ) : null}
      <p>
        Have an API token? <a href="/console/sign-in">Sign in with it instead</a>.
      </p>
    </ConsoleLayout>
  );
}
