import { describe, expect, it } from "vitest";
import { MARKDOWN_KEPT_CHARS, markdownWork, renderMarkdown } from "../../worker/core/reports/markdown.ts";

describe("renderMarkdown", () => {
  it("shows raw HTML as text", () => {
    const html = renderMarkdown('<script>alert(1)</script>\n\nHi <b onclick="x()">there</b>');
    expect(html).not.toMatch(/<script|<b\b/);
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain("&lt;b onclick=&quot;x()&quot;&gt;there&lt;/b&gt;");
  });

  it.each([
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD4=)",
    "[x](vbscript:msgbox)",
    "[x](ftp://example.com/file)",
    "<javascript:alert(1)>",
  ])("does not make %s a link", (source) => {
    expect(renderMarkdown(source)).not.toMatch(/<a\b/);
  });

  it("gives links rel=nofollow noopener", () => {
    expect(renderMarkdown("[tracker](https://example.com/issues/1)")).toBe(
      '<p><a href="https://example.com/issues/1" rel="nofollow noopener">tracker</a></p>\n',
    );
    expect(renderMarkdown("[mail](mailto:ops@example.com)")).toContain(
      '<a href="mailto:ops@example.com" rel="nofollow noopener">',
    );
  });

  it("links bare web addresses", () => {
    expect(renderMarkdown("See https://example.com/status for more.")).toContain(
      '<a href="https://example.com/status" rel="nofollow noopener">https://example.com/status</a>',
    );
  });

  it("renders headings, lists and emphasis, without typographic replacements", () => {
    const html = renderMarkdown('#### Timeline\n\n- one\n- *two*\n\n1. first\n\n"quoted" -- (c)');
    expect(html).toContain("<h4>Timeline</h4>");
    expect(html).toContain("<ul>\n<li>one</li>\n<li><em>two</em></li>\n</ul>");
    expect(html).toContain("<ol>\n<li>first</li>\n</ol>");
    expect(html).toContain("<p>&quot;quoted&quot; -- (c)</p>");
  });
});

describe("renderMarkdown: images are links", () => {
  it("turns an image into a link to it, so no reader fetches a remote image (no tracking pixel)", () => {
    const html = renderMarkdown("Graph: ![p99 latency](https://t.example/pixel.gif?u=1&x=2)");
    expect(html).not.toMatch(/<img\b/);
    expect(html).toContain('<a href="https://t.example/pixel.gif?u=1&amp;x=2" rel="nofollow noopener">p99 latency</a>');
  });

  it("shows an image's alt text as plain text, and a forbidden source as no link at all", () => {
    const html = renderMarkdown('![a *b* <i>c</i>](https://t.example/p.png "title")\n\n![x](javascript:alert(1))');
    expect(html).not.toMatch(/<img\b|<i>|<em>/);
    expect(html).toContain('rel="nofollow noopener">a b &lt;i&gt;c&lt;/i&gt;</a>');
    expect(html).toContain("![x](javascript:alert(1))");
    expect(html.match(/<a\b/g)?.length).toBe(1);
  });
});

describe("renderMarkdown: bounded work", () => {
  /** The longest part a report may have (worker/core/api/schemas.ts). */
  const PART = 50_000;

  it("renders a link-reference bomb as text instead of expanding it (output bounded by the input)", () => {
    // Little markup (1,500 uses), but each would copy a 40,000-character address: 60 MB of HTML.
    const definition = `[a]: https://x.example/${"a".repeat(40_000)}\n\n`;
    const source = `${definition}${"[a] ".repeat(1_500)}`;
    expect(source.length).toBeLessThanOrEqual(PART);
    const before = markdownWork();
    const html = renderMarkdown(source);
    expect(html.length).toBeLessThan(2 * source.length + 1_000);
    expect(html).not.toMatch(/<a\b/);
    expect(markdownWork().rendered - before.rendered).toBe(0);
  });

  it.each([
    ["unclosed brackets", "[".repeat(PART)],
    ["unclosed image brackets", "![".repeat(PART / 2)],
    ["nested emphasis", `${"*".repeat(PART / 2 - 1)}a${"*".repeat(PART / 2 - 1)}`],
    ["emphasis runs", "*a _b ".repeat(PART / 6)],
  ])("does not parse %s as markdown at all: too much markup is text", (_name, source) => {
    const before = markdownWork();
    const html = renderMarkdown(source);
    expect(markdownWork().parsed - before.parsed).toBe(0);
    expect(html).not.toMatch(/<(?:a|em|strong)\b/);
    expect(html.length).toBeLessThan(2 * source.length + 1_000);
    expect(html.startsWith("<p>")).toBe(true);
  });

  it("stops nesting at 20 levels", () => {
    const html = renderMarkdown(`${">".repeat(1_000)} deep`);
    expect(html.match(/<blockquote>/g)?.length ?? 0).toBeLessThanOrEqual(20);
    expect(html.match(/<blockquote>/g)?.length ?? 0).toBeGreaterThan(1);
  });

  it("still renders an ordinary long report as markdown", () => {
    const paragraph = "At 14:02 the **primary** database failed over; see [the ticket](https://t.example/1).\n\n";
    const source = paragraph.repeat(Math.floor(PART / paragraph.length));
    const html = renderMarkdown(source);
    expect(html.match(/<strong>primary<\/strong>/g)?.length).toBe(Math.floor(PART / paragraph.length));
  });

  it("renders one text once: every later request gets the kept HTML", () => {
    const source = `A report rendered once, ${crypto.randomUUID()}: **bold** and [a link](https://t.example/).`;
    const before = markdownWork();
    const first = renderMarkdown(source);
    for (let i = 0; i < 100; i++) expect(renderMarkdown(source)).toBe(first);
    expect(markdownWork().parsed - before.parsed).toBe(1);
    expect(markdownWork().rendered - before.rendered).toBe(1);
  });

  it("keeps a bounded amount of rendered HTML", () => {
    const paragraph = "Words and more words. ".repeat(1_000);
    for (let i = 0; i < 200; i++) renderMarkdown(`${i} ${paragraph}`);
    expect(markdownWork().keptChars).toBeLessThanOrEqual(MARKDOWN_KEPT_CHARS);
    expect(markdownWork().keptChars).toBeGreaterThan(0);
  });
});
