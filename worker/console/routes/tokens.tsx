import { type Context, Hono } from "hono";
import { isRole, ROLES } from "../../core/access/roles.ts";
import type { Site } from "../../site.ts";
import { callOperation } from "../console-api.ts";
import type { ConsoleEnv } from "../console-env.ts";
import { missing, type Problem, problemOf } from "../form-problem.ts";
import { noticeOf } from "../notices.ts";
import { confirmStep } from "../ops/confirm-step.tsx";
import { opsPost } from "../ops/ops-form.ts";
import { layoutProps, refuse, renderConsole, seeOther } from "../render.ts";
import { TokenCreatedPage, type TokenDraft, type TokenRow, TokensPage } from "../views/ops/tokens-page.tsx";

/** /console/tokens: list, create (from a role or chosen scopes; the secret shown once), revoke after a confirm step. */
export function tokensRoutes(site: Site) {
  const app = new Hono<ConsoleEnv>();

  const show = async (c: Context<ConsoleEnv>, problem?: Problem, draft?: TokenDraft) => {
    const snapshot = await site.snapshot(c.env);
    const tokens = await callOperation<{ data: TokenRow[] }>(c, "tokens.list");
    if (!tokens.ok) return refuse(c, tokens);
    return renderConsole(
      c,
      <TokensPage
        {...layoutProps(c, snapshot.page)}
        tokens={tokens.body.data}
        notice={noticeOf(c.req.query("notice"))}
        problem={problem}
        draft={draft}
      />,
      problem?.status ?? 200,
    );
  };

  app.get("/tokens", (c) => show(c));

  app.post(
    "/tokens",
    opsPost(show, async (c, form) => {
      const draft: TokenDraft = {
        name: (form.get("name") ?? "").slice(0, 200),
        role: form.get("role") ?? "",
        scopes: form.getAll("scope").slice(0, 20),
      };
      let scopes: readonly string[];
      if (draft.role === "custom") scopes = draft.scopes;
      else if (isRole(draft.role)) scopes = ROLES[draft.role];
      else return show(c, missing("role", "choose a role, or custom"), draft);
      if (scopes.length === 0) return show(c, missing("scopes", "tick at least one scope"), draft);
      const created = await callOperation<TokenRow & { token: string }>(c, "tokens.create", {
        body: { name: draft.name, scopes },
      });
      if (!created.ok) return show(c, problemOf(created), draft);
      const snapshot = await site.snapshot(c.env);
      // The answer itself shows the secret (renderConsole: no-store); a redirect would have to carry it.
      return renderConsole(c, <TokenCreatedPage {...layoutProps(c, snapshot.page)} token={created.body} />, 201);
    }),
  );

  confirmStep(app, site, show, {
    section: "tokens",
    verb: "revoke",
    operation: "tokens.revoke",
    notice: "token-revoked",
    button: "Revoke it now",
    ask: async (c, id) => {
      const tokens = await callOperation<{ data: TokenRow[] }>(c, "tokens.list");
      if (!tokens.ok) return refuse(c, tokens);
      const token = tokens.body.data.find((one) => one.id === id && one.revokedAt === null);
      if (!token) return seeOther(c, "/console/tokens", "token-gone");
      return {
        title: `Revoke “${token.name}”?`,
        body: (
          <p>
            Whoever holds it ({token.scopes.join(", ")}) loses access at once, and anyone signed in to the console with
            it is signed out. This cannot be undone.
          </p>
        ),
      };
    },
  });

  return app;
}
