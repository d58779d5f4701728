/** Characters that start inline markdown anywhere: emphasis, code, links, autolinks, HTML, entities, tables, strike. */
const INLINE = /[\\`*_[\]<>&|~]/g;

/** What only means something at the start of a line: headings, lists, setext underlines, ordered lists. */
const LINE_START = /^([ \t]*)(?:([#+\-=])|(\d{1,9})([.)]))/gm;

/**
 * Text a person typed, made literal inside markdown: it renders exactly as
 * typed and can never open a link, an image or raw HTML in the report.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(INLINE, "\\$&")
    .replace(LINE_START, (_match, indent: string, mark?: string, digits?: string, delimiter?: string) =>
      mark ? `${indent}\\${mark}` : `${indent}${digits}\\${delimiter}`,
    );
}

/** A name for use inside one line: escaped, whitespace folded so it cannot break out of its list item. */
export function escapeInline(text: string): string {
  return escapeMarkdown(text.replace(/\s+/g, " ").trim());
}

/**
 * A multi-line body inside a list item: escaped, each line trimmed (so none
 * turns into an indented code block) and continuation lines indented by
 * `indent` so paragraphs stay inside the item.
 */
export function escapeBlock(text: string, indent: string): string {
  return text
    .trim()
    .split(/\r?\n/)
    .map((line, i) => {
      const escaped = escapeMarkdown(line.trim());
      return i === 0 || escaped === "" ? escaped : `${indent}${escaped}`;
    })
    .join("\n");
}
