#!/usr/bin/env node
// Compiles one app and the libraries it may use from TypeScript to CommonJS in <out>/, for the
// production image (deploy/Dockerfile), so the image runs plain JavaScript on production dependencies
// only (`npm ci --omit=dev`): no @swc-node/register, no TypeScript, no jest/nx/testcontainers.
//
//   node deploy/build-app.mjs <app> [out-dir]      e.g. node deploy/build-app.mjs heap-writer dist
//
// Why @swc/core's API and not `npx swc`: @swc/cli is not a dependency of this workspace, @swc/core is
// (jest and @swc-node/register use it). The transform options are the workspace .swcrc, the same ones
// the unit and integration tests run with, plus `jsc.paths` from tsconfig.base.json so `@hubheap/*`
// imports become relative requires into <out>/libs/. Output mirrors the source tree
// (<out>/apps/<app>/src/main.js, <out>/libs/<lib>/src/...), so `__dirname`-relative reads keep working;
// such reads (libs/schemas/src/avro/*.avsc, control-api's admin page in src/admin/static) are copied
// as they are: every non-TypeScript file under the app's src/ and the .avsc files of libs/schemas.
// <out>/main.js is the image's fixed entry point; it requires the app's main.js.
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const swc = createRequire(join(root, 'package.json'))('@swc/core');

const [app, outArg = 'dist'] = process.argv.slice(2);
const fail = (message) => {
  process.stderr.write(`build-app: ${message}\n`);
  process.exit(1);
};
if (!app) fail('usage: node deploy/build-app.mjs <app> [out-dir]');
const appDir = join(root, 'apps', app);
if (!existsSync(join(appDir, 'project.json'))) fail(`no app "${app}" (apps/${app}/project.json missing)`);
const out = resolve(root, outArg);

const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));
/** Test code and test-only helpers never go into the image. */
const isTestFile = (path) =>
  /\.(spec|integration-spec|e2e-spec)\.ts$/.test(path) ||
  /\.test-helpers\.ts$/.test(path) ||
  path.endsWith('.d.ts');

const walk = (dir) =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });

// Every library except the type:testing ones (fakes, stack helpers: never in production).
const libs = readdirSync(join(root, 'libs')).filter((name) => {
  const project = join(root, 'libs', name, 'project.json');
  return existsSync(project) && !(readJson(project).tags ?? []).includes('type:testing');
});
const sourceDirs = [join(appDir, 'src'), ...libs.map((lib) => join(root, 'libs', lib, 'src'))];
const sources = sourceDirs.flatMap(walk).filter((path) => path.endsWith('.ts') && !isTestFile(path));

const swcrc = readJson(join(root, '.swcrc'));
delete swcrc.$schema;
const { paths } = readJson(join(root, 'tsconfig.base.json')).compilerOptions;
const options = {
  ...swcrc,
  swcrc: false,
  jsc: { ...swcrc.jsc, baseUrl: root, paths },
};

rmSync(out, { recursive: true, force: true });
let count = 0;
for (const file of sources) {
  const rel = relative(root, file);
  const target = join(out, rel.replace(/\.ts$/, '.js'));
  const { code } = await swc.transformFile(file, { ...options, filename: file, sourceFileName: rel });
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, code);
  count += 1;
}

// Assets read at runtime relative to the compiled file.
const avro = join(root, 'libs', 'schemas', 'src', 'avro');
if (existsSync(avro)) cpSync(avro, join(out, 'libs', 'schemas', 'src', 'avro'), { recursive: true });
// e.g. apps/control-api/src/admin/static/{index.html,admin.js,admin.css}, served from __dirname.
for (const file of walk(join(appDir, 'src')).filter((path) => !path.endsWith('.ts'))) {
  const target = join(out, relative(root, file));
  mkdirSync(dirname(target), { recursive: true });
  cpSync(file, target);
}

// A require of libs/testing (or of a lib left out above) would only fail at runtime in the image.
const compiled = walk(out).filter((path) => path.endsWith('.js'));
const leaks = compiled.filter((path) =>
  /require\(["'](@hubheap\/|[./]+.*libs\/testing\/)/.test(readFileSync(path, 'utf8')),
);
if (leaks.length > 0)
  fail(`unresolved or test-only imports in: ${leaks.map((p) => relative(out, p)).join(', ')}`);

writeFileSync(join(out, 'main.js'), `'use strict';\nrequire('./apps/${app}/src/main.js');\n`);
process.stdout.write(
  `build-app: ${app}: ${count} files (app + libs ${libs.join(', ')}) -> ${relative(root, out) || '.'}\n`,
);
