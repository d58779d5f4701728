import MarkdownIt from "markdown-it";

/** Where a link in a report may point; anything else stays text. */
const ALLOWED_SCHEMES = /^(?:https?|mailto):/i;

/**
 * Reports are written by people and read by everyone, so raw HTML is shown
 * as text and links only leave for the web or mail. One instance: building
 * the parser costs more than rendering a report.
 */
const md = new MarkdownIt({ html: false, linkify: true, typographer: false });

// markdown-it's own check blocks javascript:, vbscript:, file: and data:; keep it and narrow further.
const defaultValidateLink = md.validateLink.bind(md);
md.validateLink = (url) => defaultValidateLink(url) && ALLOWED_SCHEMES.test(url.trim());

// Links in reports are not endorsements, and the pages they open get no handle on ours.
md.renderer.rules.link_open = (tokens, idx, options, _env, self) => {
  tokens[idx]?.attrSet("rel", "nofollow noopener");
  return self.renderToken(tokens, idx, options);
};

/** Markdown to HTML that is safe to place in a page as it is. */
export function renderMarkdown(source: string): string {
  return md.render(source);
}
