export type StrictJson = { ok: true; value: unknown } | { ok: false; duplicate: { key: string; path: string } };

/**
 * The tokens that shape a document: strings (unrolled, so a long string is one
 * run) and punctuation. Numbers, literals and spaces are skipped over by the
 * search itself; the text is already known to be valid JSON.
 */
const TOKEN = /"[^"\\]*(?:\\.[^"\\]*)*"|[{}[\],]/g;

/** An open object (its keys so far) or array (its index); the stack of them is the path. */
type Frame = { keys: Set<string> | null; index: number; expectingKey: boolean; key: string };

/**
 * Parses JSON like JSON.parse (whose SyntaxError it throws for invalid text),
 * but refuses an object that names a key twice: JSON.parse keeps the last
 * one silently, so `{"name":"a","name":"b"}` would mean something other than
 * what a reviewer reading the request sees. Keys are compared decoded, so
 * `"\u006eame"` is `name`. One linear pass over the text after it parsed.
 */
export function parseJsonRefusingDuplicates(text: string): StrictJson {
  const value: unknown = JSON.parse(text);
  const duplicate = firstDuplicate(text);
  return duplicate ? { ok: false, duplicate } : { ok: true, value };
}

function firstDuplicate(text: string): { key: string; path: string } | null {
  const stack: Frame[] = [];
  TOKEN.lastIndex = 0;
  for (let match = TOKEN.exec(text); match; match = TOKEN.exec(text)) {
    const token = match[0];
    const top = stack.at(-1);
    if (token === "{" || token === "[") {
      stack.push({ keys: token === "{" ? new Set() : null, index: 0, expectingKey: true, key: "" });
    } else if (token === "}" || token === "]") {
      stack.pop();
    } else if (token === ",") {
      if (top?.keys) top.expectingKey = true;
      else if (top) top.index += 1;
    } else if (top?.keys && top.expectingKey) {
      const key = token.includes("\\") ? (JSON.parse(token) as string) : token.slice(1, -1);
      top.key = key;
      if (top.keys.has(key)) return { key, path: stack.map((f) => (f.keys ? f.key : f.index)).join(".") };
      top.keys.add(key);
      top.expectingKey = false;
    }
  }
  return null;
}
