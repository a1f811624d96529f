/**
 * Regenerates libs/schemas/src/generated/*.ts from the .avsc files in libs/schemas/src/avro.
 * `npm run schemas:generate` writes them; `--check` exits 1 when the committed files are stale (CI).
 */
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { avroToTypeScript, RecordType } from 'avro-typescript';

const avroDir = join(__dirname, '..', 'src', 'avro');
const outDir = join(__dirname, '..', 'src', 'generated');
const check = process.argv.includes('--check');
mkdirSync(outDir, { recursive: true });
let stale = 0;
for (const file of readdirSync(avroDir).filter((f) => f.endsWith('.avsc'))) {
  const schema = JSON.parse(readFileSync(join(avroDir, file), 'utf8')) as RecordType;
  const body = avroToTypeScript(schema).replace(/\r/g, '');
  const text = `// Generated from ${file} by libs/schemas/scripts/generate-types.ts. Do not edit.\n${body}\n`;
  const target = join(outDir, file.replace(/\.avsc$/, '.ts'));
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    /* missing: stale */
  }
  if (current === text) continue;
  stale += 1;
  if (check) process.stderr.write(`stale generated types: ${target}\n`);
  else writeFileSync(target, text);
}
if (check && stale > 0) process.exit(1);
