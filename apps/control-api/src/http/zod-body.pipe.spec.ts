import { BadRequestException, NotFoundException } from '@nestjs/common';
import { z } from 'zod';
import { CREATE_KEY_BODY } from '../auth/access.rules';
import { MAX_PORTAL_ID, PortalIdParam, ZodBody } from './zod-body.pipe';

describe('ZodBody', () => {
  const pipe = new ZodBody(
    z.object({ name: z.string(), nested: z.object({ label: z.string() }).optional() }),
  );

  it('passes a valid body through', () => {
    expect(pipe.transform({ name: 'Acme' })).toEqual({ name: 'Acme' });
  });

  it.each([
    ['a top-level string', { name: 'Ac\u0000me' }],
    ['a nested string', { name: 'Acme', nested: { label: '\u0000' } }],
  ])('refuses a NUL character in %s with 400, without echoing it', (_what, body) => {
    expect(() => pipe.transform(body)).toThrow(BadRequestException);
    try {
      pipe.transform(body);
    } catch (error) {
      expect(JSON.stringify((error as BadRequestException).getResponse())).not.toContain('Ac');
    }
  });
});

describe('PortalIdParam', () => {
  const pipe = new PortalIdParam();

  it.each([
    ['1', 1],
    ['62515', 62515],
    ['4294967296', 2 ** 32],
    [String(MAX_PORTAL_ID), MAX_PORTAL_ID],
  ])('accepts %s', (raw, expected) => {
    expect(pipe.transform(raw)).toBe(expected);
  });

  it.each(['0', '-1', '1.5', '1e3', 'abc', '', String(MAX_PORTAL_ID + 1), '99999999999999999999'])(
    'answers 404 for %j (no tenant can have it)',
    (raw) => {
      expect(() => pipe.transform(raw)).toThrow(NotFoundException);
    },
  );
});

describe('CREATE_KEY_BODY', () => {
  it('stores tenant ids lower-cased, as PostgreSQL compares uuids', () => {
    const parsed = CREATE_KEY_BODY.parse({
      role: 'read-only',
      tenants: ['3F2504E0-4F89-11D3-9A0C-0305E82C3301'],
    });
    expect(parsed.tenants).toEqual(['3f2504e0-4f89-11d3-9a0c-0305e82c3301']);
  });
});
