import { describe, expect, it } from "vitest";
import { ReadBatch } from "../../../worker/console/read-batch.ts";
import type { ApiCall, ApiResult } from "../../../worker/core/api/contract.ts";

const call = (operation: string): ApiCall =>
  ({
    operation,
    credentialHash: "h",
    params: {},
    query: {},
    body: undefined,
    ifMatch: null,
    idempotencyKey: null,
    requestHash: null,
  }) as ApiCall;

describe("a console page's reads", () => {
  it("go to the object as one call when asked for together, each answered with its own result", async () => {
    const sent: string[][] = [];
    const batch = new ReadBatch(async (calls) => {
      sent.push(calls.map((c) => c.operation));
      return calls.map((c) => ({ status: 200, body: c.operation }) as ApiResult);
    });
    const answers = await Promise.all([
      batch.read(call("incidents.list")),
      batch.read(call("flags.list")),
      batch.read(call("holds.list")),
    ]);
    expect(sent).toEqual([["incidents.list", "flags.list", "holds.list"]]);
    expect(answers.map((a) => a.body)).toEqual(["incidents.list", "flags.list", "holds.list"]);
    // A read asked for after the first batch left goes in a batch of its own.
    expect((await batch.read(call("alerts.list"))).body).toBe("alerts.list");
    expect(sent).toEqual([["incidents.list", "flags.list", "holds.list"], ["alerts.list"]]);
  });

  it("fails every read of a batch the object could not answer, and none of the next", async () => {
    let fail = true;
    const batch = new ReadBatch(async (calls) => {
      if (fail) throw new Error("object unreachable");
      return calls.map(() => ({ status: 200, body: null }) as ApiResult);
    });
    const answers = await Promise.allSettled([batch.read(call("a")), batch.read(call("b"))]);
    expect(answers.map((a) => a.status)).toEqual(["rejected", "rejected"]);
    fail = false;
    expect((await batch.read(call("c"))).status).toBe(200);
  });

  it("refuses to answer a read the object left out", async () => {
    const batch = new ReadBatch(async () => []);
    await expect(batch.read(call("a"))).rejects.toThrow("fewer reads");
  });
});
