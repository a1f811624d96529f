import { randomInt } from 'node:crypto';
import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import type { KafkaPlatform } from '@hubheap/kafka';
import { HEAP_USER_IDENTITIES, type HeapUserIdentity } from '@hubheap/schemas';
import { collect, eventually, testPlatform, topicEnds, uniqueName } from '@hubheap/testing';
import { registerHeapUsersCommand } from '../src/heap-users/heap-users.command';

// `import heap-users` → heap.user-identities.v1 on the real broker and registry.
describe('ops-cli import heap-users', () => {
  const appId = String(randomInt(1_000_000_000, 9_999_999_999));
  const dir = mkdtempSync(join(tmpdir(), 'heap-users-'));
  let platform: KafkaPlatform;
  const stops: Array<() => Promise<void>> = [];

  const run = async (...args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const program = new Command().exitOverride();
    registerHeapUsersCommand(program, { platform, out: (l) => out.push(l), err: (l) => err.push(l) });
    await program.parseAsync(['import', 'heap-users', '--app-id', appId, ...args], { from: 'user' });
    return { out, err };
  };

  beforeAll(() => {
    platform = testPlatform(uniqueName('ops-heap-users'));
  });
  afterAll(async () => {
    await Promise.all(stops.map((stop) => stop()));
    await platform.close();
  });

  it('produces one record per Heap user with the file time as observedAt, the same on a re-run', async () => {
    const file = join(dir, 'users.csv');
    writeFileSync(
      file,
      'identity,work_email,name\nu-1, Jane@Example.com ,Jane\nu-2,,Bob\n,x@y.z,nobody\nu-1,jane@example.com,Jane\n',
    );
    const mtime = new Date('2026-11-01T10:00:00.000Z');
    utimesSync(file, mtime, mtime);
    await platform.provision([HEAP_USER_IDENTITIES]);
    const collector = await collect<HeapUserIdentity>(
      platform,
      HEAP_USER_IDENTITIES,
      uniqueName('heap-users-reader'),
      await topicEnds(platform, HEAP_USER_IDENTITIES.name),
      (r) => r.value.appId === appId,
    );
    stops.push(collector.stop);

    const first = await run('--email-property', 'work_email', '--file', file);
    expect(first.out).toEqual([
      `produced 2 Heap users of app ${appId} (1 with work_email, 1 rows skipped) to heap.user-identities.v1`,
    ]);
    expect(first.err).toContain('line 4: skipped (no identity)');
    await eventually(() => collector.records.length === 2, { timeoutMs: 30_000, message: 'two records' });
    const expected = [
      {
        appId,
        identity: 'u-2',
        emailProperty: 'work_email',
        email: null,
        observedAt: mtime.getTime(),
        source: 'import',
      },
      {
        appId,
        identity: 'u-1',
        emailProperty: 'work_email',
        email: 'jane@example.com',
        observedAt: mtime.getTime(),
        source: 'import',
      },
    ];
    const sorted = () =>
      collector.records.map((r) => r.value).sort((a, b) => a.identity.localeCompare(b.identity));
    expect(sorted().slice(0, 2)).toEqual([expected[1], expected[0]]);
    expect(collector.records.every((r) => r.key === `${appId}:${r.value.identity}`)).toBe(true);

    await run('--email-property', 'work_email', '--file', file);
    await eventually(() => collector.records.length === 4, { timeoutMs: 30_000, message: 'four records' });
    // Same keys and values again: the compacted topic and the identity map end up unchanged.
    const byIdentity = (values: HeapUserIdentity[]) =>
      values.map((v) => ({ ...v })).sort((a, b) => a.identity.localeCompare(b.identity));
    const values = collector.records.map((r) => r.value);
    expect(byIdentity(values.slice(2))).toEqual(byIdentity(values.slice(0, 2)));
  });

  it('refuses a file without the email property column, producing nothing', async () => {
    const file = join(dir, 'wrong.csv');
    writeFileSync(file, 'identity,email\nu-1,a@x.io\n');
    await expect(run('--email-property', 'work_email', '--file', file)).rejects.toThrow(
      'the CSV has no column "work_email" (columns: identity, email)',
    );
  });
});
