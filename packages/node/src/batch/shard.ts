import { InvalidArgumentError } from "commander";

/** `--shard i/n`: the i-th of n parts of a batch, counted from 1. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** Parses `--shard i/n`. */
export function shardArgument(value: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(value);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index < 1 || index > count) {
    throw new InvalidArgumentError("must be i/n with 1 <= i <= n, such as 1/4");
  }
  return { index, count };
}

/**
 * Whether an item's key falls in the shard, the same on every machine: a key that ends in 8 hex digits
 * (the batch's own hash keys) by those 32 bits modulo n; any other key (`"key": "clip-0001"`) by a
 * 32-bit FNV-1a hash of the whole key, so every item lands in exactly one shard.
 */
export function inShard(key: string, shard: Shard | undefined): boolean {
  if (!shard) return true;
  const tail = key.slice(-8);
  const bits = /^[0-9a-f]{8}$/i.test(tail) ? Number.parseInt(tail, 16) : fnv1a(key);
  return bits % shard.count === shard.index - 1;
}

/** 32-bit FNV-1a of a string's UTF-16 code units. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
