import type { ValueTransformer } from 'typeorm';

/** Postgres `bigint` ↔ JS number (ms epochs and portal ids stay below 2^53). */
export const bigintNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};
