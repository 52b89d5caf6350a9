import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { alternate, median, middle, pairedMedian, roundsFromEnv } from "../../bench/rounds.js";

/** The order the sides ran in, as one string ("0120…"). */
async function runOrder(sides: number, rounds: number): Promise<string> {
  const seq: number[] = [];
  await alternate(
    rounds,
    Array.from({ length: sides }, (_, i) => async () => {
      seq.push(i);
      return i;
    }),
  );
  return seq.join("");
}

describe("bench paired rounds", () => {
  test("every side runs once per round, and no side twice in a row", async () => {
    assert.equal(await runOrder(3, 4), "012" + "120" + "201" + "012");
    assert.equal(await runOrder(2, 3), "010101");
    for (const order of [await runOrder(3, 7), await runOrder(4, 5)]) assert.doesNotMatch(order, /(\d)\1/);
  });

  test("each side's results come back in round order", async () => {
    let n = 0;
    const [a, b] = await alternate(3, [async () => `a${n++}`, async () => n++]);
    assert.deepEqual(a, ["a0", "a2", "a4"]);
    assert.deepEqual(b, [1, 3, 5]);
  });

  test("a ratio is taken within each round before the median: a drifting host does not skew it", () => {
    // The host halves its speed after the first round; Inkan is twice the peer throughout.
    const inkan = [2000, 1000, 1000];
    const peer = [1000, 500, 500];
    assert.equal(pairedMedian(inkan, peer), 2);
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.ok(Number.isNaN(median([NaN])));
  });

  test("the middle round's other figures go with it", () => {
    const rounds = [{ perSec: 30, p99: 9 }, { perSec: 10, p99: 1 }, { perSec: 20, p99: 5 }];
    assert.deepEqual(middle(rounds, (r) => r.perSec), { perSec: 20, p99: 5 });
  });

  test("BENCH_ROUNDS takes 1 to 15 whole rounds, 3 by default", () => {
    assert.equal(roundsFromEnv({}), 3);
    assert.equal(roundsFromEnv({ BENCH_ROUNDS: "5" }), 5);
    for (const bad of ["0", "16", "2.5", "many"]) assert.throws(() => roundsFromEnv({ BENCH_ROUNDS: bad }), /BENCH_ROUNDS/);
  });
});
