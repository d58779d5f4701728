import { describe, expect, it } from "vitest";
import { parseFencedBlocks, pastDates, shellExamples } from "../helpers/node/readme-examples.ts";

describe("README examples", () => {
  it("reads sh blocks as commands and the rest as things to look at", () => {
    const { blocks, problems } = parseFencedBlocks(
      ["```sh", "curl -s a", "```", "", "```", "output", "```", "```sh expect-4xx", "curl -s b", "```"].join("\n"),
    );
    expect(problems).toEqual([]);
    expect(shellExamples(blocks)).toEqual([
      { info: "sh", body: "curl -s a", line: 1, expect4xx: false },
      { info: "sh expect-4xx", body: "curl -s b", line: 8, expect4xx: true },
    ]);
  });

  it("names a closing fence with text after it, and a block that never closes", () => {
    const { problems } = parseFencedBlocks(
      ["```", "curl a", "``` `PORT=9000 npm start` picks", "```ts", "x"].join("\n"),
    );
    expect(problems).toEqual([
      'line 3: a closing fence with text after it ("``` `PORT=9000 npm start` picks") opens a new block instead',
      "line 4: this fenced block never closes",
    ]);
  });

  it("finds dates already past in runnable examples only", () => {
    const { blocks } = parseFencedBlocks(
      ["```sh", 'echo "2026-11-29T02:00:00Z 2027-01-01"', "```", "```", "2020-01-01", "```"].join("\n"),
    );
    expect(pastDates(blocks, "2026-12-05")).toEqual(["line 1: 2026-11-29"]);
  });
});
