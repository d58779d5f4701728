import { describe, expect, it } from "vitest";
import { KEYS_FRESH_MS, TeamKeys, UNKNOWN_KID_REFETCH_MS } from "../../../worker/console/access/team-keys.ts";
import { jwksOf, makeKey, type TestKey } from "../../helpers/access-jwt.ts";
import { BIG_BODY_BYTES } from "../../helpers/target-addresses.ts";
import { targetStats, targets, targetUrl } from "../../helpers/workers/targets.ts";

/**
 * The edge's cache of an Access team's keys, read over real HTTP from the
 * targets server's relay, on a clock the test moves: how often the key set
 * is asked for is counted by the server.
 */
async function publish(relayKey: string, ...keys: TestKey[]) {
  const put = await fetch(targetUrl(`/relay/${relayKey}`), { method: "PUT", body: jwksOf(...keys) });
  expect(put.status).toBe(204);
}

const reads = async (relayKey: string) => (await targetStats("relay", relayKey))?.requests ?? 0;

describe("the Access team's keys at the edge", () => {
  it("reads the set once an hour, and for a kid it lacks at most once a minute (key rotation)", async () => {
    const relayKey = `keys-${crypto.randomUUID().slice(0, 8)}`;
    const [current, next] = await Promise.all([makeKey("current"), makeKey("next")]);
    await publish(relayKey, current);
    let now = 1_000_000;
    const lookup = new TeamKeys({ now: () => now }).lookup(targetUrl(`/relay/${relayKey}`));

    expect(await lookup("current")).not.toBeNull();
    expect(await lookup("current")).not.toBeNull();
    expect(await reads(relayKey)).toBe(1);

    // Access starts signing with a new key: the set is read again, but not for every unknown kid.
    await publish(relayKey, current, next);
    now += UNKNOWN_KID_REFETCH_MS - 1;
    expect(await lookup("next")).toBeNull();
    expect(await reads(relayKey)).toBe(1);
    now += 1;
    expect(await lookup("next")).not.toBeNull();
    expect(await lookup("made-up")).toBeNull();
    expect(await reads(relayKey)).toBe(2);

    now += KEYS_FRESH_MS;
    expect(await lookup("current")).not.toBeNull();
    expect(await reads(relayKey)).toBe(3);
  });

  it("answers 'unavailable' when the set cannot be read or is not a key set, so nobody is signed in", async () => {
    const down = new TeamKeys().lookup(`http://${targets.refused.hostname}:${targets.refused.port}`);
    expect(await down("current")).toBe("unavailable");
    const notASet = new TeamKeys().lookup(targetUrl("/text?body=hello"));
    expect(await notASet("current")).toBe("unavailable");
    const tooBig = new TeamKeys().lookup(targetUrl("/big/access-keys"));
    expect(await tooBig("current")).toBe("unavailable");
    // The read stopped at the bound: a fifth of the 50 MB offered at most, loopback buffers included
    // (test/integration/probe-http.test.ts measured them).
    expect((await targetStats("big", "access-keys"))?.bytesWritten ?? 0).toBeLessThan(BIG_BODY_BYTES / 5);
  });
});
