import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readEnvExample } from '@hubheap/testing';
import { ConfigError } from '@hubheap/service';
import { HEAP_WRITER_CONFIG, loadHeapWriterConfig } from './heap-writer.config';

describe('heap-writer configuration', () => {
  const example = readEnvExample(join(__dirname, '..'));

  it('.env.example lists exactly the variables of the config spec', () => {
    const declared = Object.values(HEAP_WRITER_CONFIG)
      .map((v) => v.env)
      .sort();
    expect(Object.keys(example).sort()).toEqual(declared);
  });

  it('README.md documents exactly these variables, each with its description', () => {
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
    // Config table rows: `| \`NAME\` | default | meaning |`, whatever the cell padding.
    const rows = readme
      .split('\n')
      .map((line) => line.split('|').map((cell) => cell.trim()))
      .filter((cells) => /^`[A-Z_]+`$/.test(cells[1] ?? ''))
      .map((cells) => ({ name: cells[1]!.slice(1, -1), meaning: cells[3] ?? '' }));
    const variables = Object.values(HEAP_WRITER_CONFIG);
    expect(rows.map((r) => r.name).sort()).toEqual(variables.map((v) => v.env).sort());
    for (const v of variables) expect(rows.find((r) => r.name === v.env)?.meaning).toBe(v.description);
  });

  it('.env.example shows each default and loads as it is', () => {
    expect(loadHeapWriterConfig(example)).toEqual(loadHeapWriterConfig({}));
  });

  it('defaults to group heap-writer.track-events, the US Heap host, port 3003 and a 10 s request deadline', () => {
    expect(loadHeapWriterConfig({})).toMatchObject({
      consumerGroup: 'heap-writer.track-events',
      heapBaseUrl: 'https://heapanalytics.com',
      port: 3003,
      heapTimeoutMs: 10_000,
    });
  });

  it.each([
    [{ HEAP_BASE_URL: 'not a url' }, 'HEAP_BASE_URL'],
    [{ HEAP_TIMEOUT_MS: '0' }, 'HEAP_TIMEOUT_MS'],
    [{ HEAP_TIMEOUT_MS: 'soon' }, 'HEAP_TIMEOUT_MS'],
    [{ PORT: '3003.5' }, 'PORT'],
  ])('rejects %j naming the variable', (source, name) => {
    expect(() => loadHeapWriterConfig(source)).toThrow(ConfigError);
    expect(() => loadHeapWriterConfig(source)).toThrow(name);
  });
});
