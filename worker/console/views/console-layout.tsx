import type { Child } from "hono/jsx";
import { roleOf } from "../../core/access/roles.ts";
import type { PageInfo } from "../../core/read-model.ts";
import { DocumentHead } from "../../views/document-head.tsx";
import type { Viewer } from "../console-env.ts";
import { CSRF_FIELD } from "../csrf.ts";
import { sectionsFor } from "../sections.ts";

export interface ConsoleLayoutProps {
  page: PageInfo;
  title: string;
  /** Null on the sign-in page. */
  viewer: Viewer | null;
  csrf: string;
  /** The path shown, so its navigation link is marked current. */
  path?: string;
  /** What the last form did ("Incident declared."), said once at the top. */
  notice?: string | undefined;
  children: Child;
}

/**
 * The console's frame: the public page's stylesheet plus the console's,
 * landmarks, a skip link, navigation limited to what this person may open,
 * and sign out. No script is needed; /js/console.js only enhances.
 */
export function ConsoleLayout({ page, title, viewer, csrf, path, notice, children }: ConsoleLayoutProps) {
  const role = viewer ? roleOf(viewer.scopes) : null;
  return (
    <html lang="en">
      <DocumentHead title={`${title} · ${page.name} console`} noindex stylesheets={["/css/console.css"]}>
        <script src="/js/console.js" defer />
      </DocumentHead>
      <body class="console">
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header class="site">
          <div class="wrap">
            <a class="brand" href="/console">
              {page.name} <span>Console</span>
            </a>
            {viewer ? (
              <nav aria-label="Console">
                {sectionsFor(viewer.scopes).map((section) => (
                  <a href={section.href} aria-current={section.href === path ? "page" : undefined}>
                    {section.label}
                  </a>
                ))}
                <a href="/">Public page</a>
              </nav>
            ) : null}
          </div>
          {/* Inside the banner landmark: who is signed in is part of the frame, not content outside any region. */}
          {viewer ? (
            <div class="wrap console-viewer">
              <p>
                Signed in as <strong>{viewer.name}</strong>
                {role ? `, ${role}` : ""}.
              </p>
              <form method="post" action="/console/sign-out">
                <input type="hidden" name={CSRF_FIELD} value={csrf} />
                <button type="submit" class="link">
                  Sign out
                </button>
              </form>
            </div>
          ) : null}
        </header>
        {/* tabindex -1: the skip link moves focus (not only the scroll) here, so Tab goes on from the content. */}
        <main id="main" class="wrap" tabindex={-1}>
          {notice ? (
            <p class="notice" role="status">
              {notice}
            </p>
          ) : null}
          <h1>{title}</h1>
          {children}
        </main>
      </body>
    </html>
  );
}
