/**
 * The README's fenced blocks, read the way a newcomer reads them: a block
 * fenced as `sh` is a command to paste, in order, into one shell; any other
 * block (plain, `ts`, `json`, `console`) is something to look at. A block's
 * info string may add `expect-4xx` when the example shows a refusal on purpose.
 */

export interface FencedBlock {
  /** The info string after the opening fence, e.g. "sh" or "sh expect-4xx". */
  info: string;
  body: string;
  /** 1-based line of the opening fence. */
  line: number;
}

export interface ParsedReadme {
  blocks: FencedBlock[];
  /** Fences that do not close, or close with text after them (which Markdown reads as an opening). */
  problems: string[];
}

const FENCE = /^(\s*)(`{3,})(.*)$/;

export function parseFencedBlocks(markdown: string): ParsedReadme {
  const lines = markdown.split("\n");
  const blocks: FencedBlock[] = [];
  const problems: string[] = [];
  let open: { info: string; line: number; fence: string; body: string[] } | null = null;
  lines.forEach((text, index) => {
    const match = FENCE.exec(text);
    if (!open) {
      if (match) open = { info: match[3]?.trim() ?? "", line: index + 1, fence: match[2] ?? "```", body: [] };
      return;
    }
    if (match && (match[2]?.length ?? 0) >= open.fence.length) {
      if ((match[3] ?? "").trim() !== "") {
        problems.push(
          `line ${index + 1}: a closing fence with text after it ("${text.trim()}") opens a new block instead`,
        );
      }
      blocks.push({ info: open.info, body: open.body.join("\n"), line: open.line });
      open = null;
      return;
    }
    open.body.push(text);
  });
  if (open) problems.push(`line ${(open as { line: number }).line}: this fenced block never closes`);
  return { blocks, problems };
}

/** The blocks to run, in order. */
export function shellExamples(blocks: FencedBlock[]): (FencedBlock & { expect4xx: boolean })[] {
  return blocks
    .filter((block) => block.info.split(/\s+/)[0] === "sh")
    .map((block) => ({ ...block, expect4xx: block.info.split(/\s+/).includes("expect-4xx") }));
}

/** ISO dates (YYYY-MM-DD) written into runnable examples that are already past: such an example goes stale. */
export function pastDates(blocks: FencedBlock[], today: string): string[] {
  const found: string[] = [];
  for (const block of shellExamples(blocks)) {
    for (const [date] of block.body.matchAll(/(?<!\d)20\d\d-\d\d-\d\d(?!\d)/g)) {
      if (date < today) found.push(`line ${block.line}: ${date}`);
    }
  }
  return found;
}
