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

/** Whether an item's key falls in the shard: the key's last 32 bits modulo n, so every machine agrees. */
export function inShard(key: string, shard: Shard | undefined): boolean {
  if (!shard) return true;
  return Number.parseInt(key.slice(-8), 16) % shard.count === shard.index - 1;
}
