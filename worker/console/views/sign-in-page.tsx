import type { PageInfo } from "../../core/read-model.ts";
import { CSRF_FIELD } from "../csrf.ts";
import { ConsoleLayout } from "./console-layout.tsx";
import { FormProblems } from "./form-problems.tsx";

export interface SignInPageProps {
  page: PageInfo;
  csrf: string;
  /** Where to go once signed in (a console path). */
  next: string;
  person?: string;
  problem?: string;
  notice?: string | undefined;
}

/** Sign in with an API token; the name given is the one the audit log shows for this session's writes. */
export function SignInPage({ page, csrf, next, person, problem, notice }: SignInPageProps) {
  return (
    <ConsoleLayout page={page} title="Sign in" viewer={null} csrf={csrf} notice={notice}>
      <FormProblems message={problem} />
      <form method="post" action="/console/sign-in" class="stack">
        <input type="hidden" name={CSRF_FIELD} value={csrf} />
        <input type="hidden" name="next" value={next} />
        <label for="person">Your name</label>
        <input id="person" name="person" required maxlength={100} autocomplete="name" value={person ?? ""} />
        <p class="hint" id="person-hint">
          The audit log names you with it beside the token's name.
        </p>
        <label for="token">API token</label>
        <input
          id="token"
          name="token"
          type="password"
          required
          maxlength={512}
          autocomplete="current-password"
          aria-describedby="token-hint"
        />
        <p class="hint" id="token-hint">
          A token from <code>POST /api/v1/tokens</code>, or the bootstrap <code>ADMIN_TOKEN</code>. You can do here what
          its scopes allow; revoking it signs you out.
        </p>
        <button type="submit">Sign in</button>
      </form>
    </ConsoleLayout>
  );
}
