import { describe, expect, it } from "vitest";
import { inShard } from "./shard";

describe("inShard", () => {
  const shards = [1, 2, 3, 4].map((index) => ({ index, count: 4 }));
  const owners = (key: string) => shards.filter((shard) => inShard(key, shard)).length;

  it("puts every key in exactly one shard, keys of your own as well as hash keys", () => {
    const own = Array.from({ length: 200 }, (_, index) => `clip-${String(index).padStart(4, "0")}`);
    const hashes = Array.from({ length: 200 }, (_, index) =>
      (index * 2654435761).toString(16).padStart(16, "0"),
    );
    for (const key of [...own, ...hashes, "shot-7", "item-42", "x"]) expect(owners(key), key).toBe(1);
    // And spreads them: no shard is left empty or takes most of them.
    for (const shard of shards) {
      const count = own.filter((key) => inShard(key, shard)).length;
      expect(count).toBeGreaterThan(25);
      expect(count).toBeLessThan(80);
    }
  });

  it("splits a hash key by its last 32 bits, as before", () => {
    expect(inShard("00000000000000ff", { index: 4, count: 4 })).toBe(true); // 255 % 4 = 3
    expect(inShard("0000000000000100", { index: 1, count: 4 })).toBe(true); // 256 % 4 = 0
  });
});
