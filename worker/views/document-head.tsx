import type { Child } from "hono/jsx";

/**
 * The <head> every Lookout document opens with, the public pages'
 * (layout.tsx) and the console's (worker/console/views/console-layout.tsx):
 * the same metas, the public stylesheet and the icon, with what each frame
 * adds in its place: `noindex` before the title, a `description` after it,
 * more stylesheets after lookout.css, and `children` (feeds, a script) last.
 */
export function DocumentHead({
  title,
  noindex = false,
  description,
  stylesheets = [],
  children,
}: {
  title: string;
  noindex?: boolean;
  description?: string;
  /** Stylesheets after /css/lookout.css, which every page has. */
  stylesheets?: string[];
  children?: Child;
}) {
  return (
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="color-scheme" content="light dark" />
      {noindex ? <meta name="robots" content="noindex" /> : null}
      <title>{title}</title>
      {description === undefined ? null : <meta name="description" content={description} />}
      {["/css/lookout.css", ...stylesheets].map((href) => (
        <link rel="stylesheet" href={href} />
      ))}
      <link rel="icon" href="/icons/favicon.svg" type="image/svg+xml" />
      {children}
    </head>
  );
}
