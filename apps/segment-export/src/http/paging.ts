import { BadRequestException } from '@nestjs/common';

/** `?limit=&offset=` → numbers: limit 1–`max` (default `dflt`), offset ≥ 0. @throws 400. */
export const pageOf = (limit: string | undefined, offset: string | undefined, dflt = 100, max = 1000) => {
  const l = limit === undefined ? dflt : Number(limit);
  const o = offset === undefined ? 0 : Number(offset);
  if (!Number.isInteger(l) || l < 1 || l > max)
    throw new BadRequestException({ error: `limit must be 1–${max}` });
  if (!Number.isInteger(o) || o < 0) throw new BadRequestException({ error: 'offset must be ≥ 0' });
  return { limit: l, offset: o };
};

/** `:portalId` → a positive integer. @throws 400. */
export const portalIdOf = (text: string): number => {
  const id = Number(text);
  if (!Number.isSafeInteger(id) || id <= 0)
    throw new BadRequestException({ error: 'portalId must be a positive integer' });
  return id;
};
