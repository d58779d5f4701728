import MarkdownIt from "markdown-it";
import type Token from "markdown-it/lib/token.mjs";

/** Where a link in a report may point; anything else stays text. */
const ALLOWED_SCHEMES = /^(?:https?|mailto):/i;

/**
 * Markup characters a text may hold before it is shown as plain text rather
 * than parsed. Runs of them (unclosed brackets, nested emphasis) are what make
 * a parser's work grow faster than the text; an ordinary report of the
 * longest allowed length (50,000 characters a part) uses a few hundred.
 */
export const MAX_MARKUP_CHARACTERS = 5_000;
const MARKUP = /[[\]*_`~<!\\]/g;
/** Nested quotes and lists deeper than this are text (CommonMark's preset uses the same figure). */
const MAX_NESTING = 20;
/**
 * HTML a text may grow into: a reference defined once and used thousands of
 * times would otherwise copy its address into every use (megabytes from a
 * 50,000-character part).
 */
const maxOutputFor = (source: string) => 8 * source.length + 8_192;
/** Rendered HTML kept per isolate (keys and values, in characters), newest kept. */
export const MARKDOWN_KEPT_CHARS = 4_000_000;

/**
 * Reports are written by people and read by everyone, so raw HTML is shown
 * as text and links only leave for the web or mail. One instance: building
 * the parser costs more than rendering a report.
 */
const md = new MarkdownIt({ html: false, linkify: true, typographer: false });
// The parser reads this option though its type declarations do not list it.
Object.assign(md.options, { maxNesting: MAX_NESTING });

// markdown-it's own check blocks javascript:, vbscript:, file: and data:; keep it and narrow further.
const defaultValidateLink = md.validateLink.bind(md);
md.validateLink = (url) => defaultValidateLink(url) && ALLOWED_SCHEMES.test(url.trim());

// Links in reports are not endorsements, and the pages they open get no handle on ours.
md.renderer.rules.link_open = (tokens, idx, options, _env, self) => {
  tokens[idx]?.attrSet("rel", "nofollow noopener");
  return self.renderToken(tokens, idx, options);
};

// An image is a link to it, named by its alt text: a page or a feed reader showing a report
// fetches nothing from elsewhere, so a report cannot carry a tracking pixel
// (docs/decisions/0027-bounded-public-work.md).
md.renderer.rules.image = (tokens, idx, options, env, self) => {
  const token = tokens[idx];
  const src = token?.attrGet("src") ?? "";
  const alt = self.renderInlineAsText(token?.children ?? [], options, env);
  const escapeHtml = md.utils.escapeHtml;
  return `<a href="${escapeHtml(src)}" rel="nofollow noopener">${escapeHtml(alt || src)}</a>`;
};

const kept = new Map<string, string>();
const work = { parsed: 0, rendered: 0, keptChars: 0 };

/** How much rendering this isolate has done, for tests that count work instead of timing it. */
export function markdownWork(): { parsed: number; rendered: number; keptChars: number } {
  return { ...work };
}

/**
 * Markdown to HTML that is safe to place in a page as it is. A text is
 * rendered once per isolate and the HTML kept (by the text itself, so every
 * feed, page and version showing the same report shares it); a text with
 * more markup than an ordinary report, or one that would grow far beyond its
 * length, is shown as plain text (docs/decisions/0027-bounded-public-work.md).
 */
export function renderMarkdown(source: string): string {
  const known = kept.get(source);
  if (known !== undefined) {
    // Most recently used last: the oldest are dropped first.
    kept.delete(source);
    kept.set(source, known);
    return known;
  }
  const html = render(source);
  keep(source, html);
  return html;
}

function render(source: string): string {
  if ((source.match(MARKUP)?.length ?? 0) > MAX_MARKUP_CHARACTERS) return plainText(source);
  work.parsed++;
  const env = {};
  const tokens = md.parse(source, env);
  if (outputSize(tokens) > maxOutputFor(source)) return plainText(source);
  work.rendered++;
  return md.renderer.render(tokens, md.options, env);
}

/** About how long the HTML of these tokens would be, without building it. */
function outputSize(tokens: readonly Token[]): number {
  let size = 0;
  for (const token of tokens) {
    size += 16 + token.content.length;
    for (const [, value] of token.attrs ?? []) size += value.length;
    if (token.children) size += outputSize(token.children);
  }
  return size;
}

/** The text as it was typed: paragraphs at blank lines, line breaks kept, nothing parsed. */
function plainText(source: string): string {
  return source
    .split(/\n\s*\n/)
    .filter((paragraph) => paragraph.trim() !== "")
    .map((paragraph) => `<p>${md.utils.escapeHtml(paragraph.trim()).replace(/\n/g, "<br>\n")}</p>\n`)
    .join("");
}

function keep(source: string, html: string): void {
  const size = source.length + html.length;
  if (size > MARKDOWN_KEPT_CHARS) return;
  kept.set(source, html);
  work.keptChars += size;
  for (const [oldest, value] of kept) {
    if (work.keptChars <= MARKDOWN_KEPT_CHARS) break;
    kept.delete(oldest);
    work.keptChars -= oldest.length + value.length;
  }
}
