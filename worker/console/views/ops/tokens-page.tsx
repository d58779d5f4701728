import { ROLE_NAMES, ROLES, roleOf } from "../../../core/access/roles.ts";
import { SCOPE_DESCRIPTIONS, SCOPES, type Scope } from "../../../core/access/scopes.ts";
import type { PageInfo } from "../../../core/read-model.ts";
import type { Viewer } from "../../console-env.ts";
import { CSRF_FIELD } from "../../csrf.ts";
import type { Problem } from "../../ops/ops-form.ts";
import { may } from "../../sections.ts";
import { ConsoleLayout } from "../console-layout.tsx";
import { FormProblems } from "../form-problems.tsx";
import { SecretOnce } from "./action-button.tsx";

/** A token as tokens.list answers it (durable-objects/status-page/api/tokens.ts): never its secret. */
export interface TokenRow {
  id: string;
  name: string;
  scopes: Scope[];
  createdAt: string;
  createdBy: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** What the create form was sent with, kept when it is refused. */
export interface TokenDraft {
  name: string;
  role: string;
  scopes: string[];
}

export interface TokensPageProps {
  page: PageInfo;
  viewer: Viewer;
  csrf: string;
  tokens: TokenRow[];
  notice?: string | undefined;
  problem?: Problem | undefined;
  draft?: TokenDraft | undefined;
}

/** API tokens: who holds what (by role), when each was last used, create one, revoke one. */
export function TokensPage({ page, viewer, csrf, tokens, notice, problem, draft }: TokensPageProps) {
  const role = draft?.role ?? "viewer";
  return (
    <ConsoleLayout page={page} title="Tokens" viewer={viewer} csrf={csrf} path="/console/tokens" notice={notice}>
      <p class="hint">
        The bootstrap token is the ADMIN_TOKEN secret and is not listed: rotate it with{" "}
        <code>wrangler secret put ADMIN_TOKEN</code>.
      </p>
      <table>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Role and scopes</th>
            <th scope="col">Created</th>
            <th scope="col">Last used</th>
            <th scope="col">State</th>
          </tr>
        </thead>
        <tbody>
          {tokens.map((token) => (
            <tr>
              <td>{token.name}</td>
              <td>
                <strong>{roleOf(token.scopes) ?? "no role"}</strong>: {token.scopes.join(", ")}
              </td>
              <td>
                {token.createdAt} by {token.createdBy}
              </td>
              <td>{token.lastUsedAt ?? "never"}</td>
              <td>
                {token.revokedAt ? (
                  `revoked ${token.revokedAt}`
                ) : may(viewer.scopes, "tokens.revoke") ? (
                  <form method="get" action={`/console/tokens/${token.id}/revoke`}>
                    <button type="submit" class="secondary" aria-label={`Revoke ${token.name}…`}>
                      Revoke…
                    </button>
                  </form>
                ) : (
                  "active"
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {tokens.length === 0 ? <p>No tokens yet.</p> : null}
      {may(viewer.scopes, "tokens.create") ? (
        <section aria-labelledby="new-token">
          <h2 id="new-token">New token</h2>
          <form method="post" action="/console/tokens" class="stack">
            <input type="hidden" name={CSRF_FIELD} value={csrf} />
            <FormProblems message={problem?.message} fields={problem?.fields} />
            <label for="token-name">Name (who or what holds it)</label>
            <input id="token-name" name="name" required maxlength={100} value={draft?.name ?? ""} />
            <label for="token-role">Role</label>
            <select id="token-role" name="role">
              {ROLE_NAMES.map((name) => (
                <option value={name} selected={role === name}>
                  {name}: {ROLES[name].join(", ")}
                </option>
              ))}
              <option value="custom" selected={role === "custom"}>
                custom: the scopes ticked below
              </option>
            </select>
            <fieldset>
              <legend>Scopes (for a custom token)</legend>
              {SCOPES.map((scope) => (
                <div>
                  <input
                    type="checkbox"
                    id={`scope-${scope}`}
                    name="scope"
                    value={scope}
                    checked={draft?.scopes.includes(scope) ?? false}
                  />{" "}
                  <label for={`scope-${scope}`}>{scope}</label>
                  <p class="hint">{SCOPE_DESCRIPTIONS[scope]}</p>
                </div>
              ))}
            </fieldset>
            <p class="hint">A token can grant only scopes it holds itself.</p>
            <button type="submit">Create token</button>
          </form>
        </section>
      ) : null}
    </ConsoleLayout>
  );
}

/** The one time a new token's secret is shown: the answer to the create form itself, never a redirect. */
export function TokenCreatedPage({
  page,
  viewer,
  csrf,
  token,
}: {
  page: PageInfo;
  viewer: Viewer;
  csrf: string;
  token: TokenRow & { token: string };
}) {
  return (
    <ConsoleLayout page={page} title="Token created" viewer={viewer} csrf={csrf} path="/console/tokens">
      <p class="notice" role="status">
        Token “{token.name}” created ({roleOf(token.scopes) ?? "no role"}: {token.scopes.join(", ")}).
      </p>
      <h2>Copy the secret now</h2>
      <p>
        <strong>It will not be shown again:</strong> only its hash is kept. Lost, it can only be revoked and replaced.
      </p>
      <SecretOnce secret={token.token} back="/console/tokens" label="Back to tokens" />
    </ConsoleLayout>
  );
}
