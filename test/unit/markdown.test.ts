import { describe, expect, it } from "vitest";
import { renderMarkdown } from "../../worker/core/reports/markdown.ts";

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
