import { parseHeapUsersCsv, toHeapUserIdentities } from './heap-users.reader';

describe('parseHeapUsersCsv', () => {
  it('reads identity and the email property, trims cells, keeps the last row of a user', () => {
    const csv = '\ufeffidentity,work_email,name\n u-1 , Jane@X.io ,Jane\nu-2,,Bob\nu-1,jane2@x.io,Jane\n\n';
    expect(parseHeapUsersCsv(csv, 'work_email').rows).toEqual([
      { line: 3, identity: 'u-2', email: null },
      { line: 4, identity: 'u-1', email: 'jane2@x.io' },
    ]);
  });

  it('rejects rows without an identity or with one over 255 characters, naming the line', () => {
    const csv = `identity,work_email\n,a@x.io\n${'x'.repeat(256)},b@x.io\nu-3,c@x.io\n`;
    const file = parseHeapUsersCsv(csv, 'work_email');
    expect(file.rows.map((r) => r.identity)).toEqual(['u-3']);
    expect(file.rejected).toEqual([
      { line: 2, reason: 'no identity' },
      { line: 3, reason: 'identity longer than 255 characters' },
    ]);
  });

  it('names a missing column', () => {
    expect(() => parseHeapUsersCsv('user_id,email\n1,a@x.io\n', 'work_email')).toThrow(
      'the CSV has no column "identity" or "work_email" (columns: user_id, email)',
    );
  });

  it('accepts another identity column', () => {
    expect(parseHeapUsersCsv('user_id,email\n1,a@x.io\n', 'email', 'user_id').rows).toEqual([
      { line: 2, identity: '1', email: 'a@x.io' },
    ]);
  });
});

describe('toHeapUserIdentities', () => {
  it('builds import records with one observedAt, so a re-import is a no-op', () => {
    expect(
      toHeapUserIdentities([{ line: 2, identity: 'u-1', email: 'a@x.io' }], '123', 'work_email', 1000),
    ).toEqual([
      {
        appId: '123',
        identity: 'u-1',
        emailProperty: 'work_email',
        email: 'a@x.io',
        observedAt: 1000,
        source: 'import',
      },
    ]);
  });
});
