// The built mini program fits the client's package limits (facts §1): the main
// package (miniprogram/ outside the subpackage roots of app.json) and each
// subpackage at most 2 MB. Runs on the build output: run `make build` first;
// a missing build fails here, it is never skipped.
'use strict';

const fs = require('fs');
const path = require('path');
const { packageSizes, subpackageRoots, PACKAGE_LIMIT_BYTES } = require('../tools/runtime');

const ROOT = path.join(__dirname, '..');
const PKG = path.join(ROOT, 'miniprogram');
const BUILT = [
  'miniprogram/core/core.wasm.br',
  'miniprogram/core/glue.js',
  'miniprogram/core/manifest.js',
  'miniprogram/core/initial-view.js',
  'miniprogram/fallback/core-js.js',
  'miniprogram/fallback/glue-js.js',
];

const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
let sizes;

beforeAll(() => {
  const missing = BUILT.filter((f) => !fs.existsSync(path.join(ROOT, f)));
  if (missing.length) {
    throw new Error(`the build output is missing (${missing.join(', ')}): run \`make build\` before this test`);
  }
  sizes = packageSizes(PKG);
});

test('app.json declares the fallback subpackage, and each subpackage page exists', () => {
  expect(subpackageRoots(PKG)).toContain('fallback');
  const appJson = JSON.parse(fs.readFileSync(path.join(PKG, 'app.json'), 'utf8'));
  for (const sp of appJson.subPackages) {
    expect(sp.pages.length).toBeGreaterThan(0);
    for (const page of sp.pages) {
      for (const ext of ['js', 'json', 'wxml']) {
        expect([page, ext, fs.existsSync(path.join(PKG, sp.root, `${page}.${ext}`))]).toEqual([page, ext, true]);
      }
    }
  }
});

test('the JS engine is in the fallback subpackage; the main package ships only core.wasm.br', () => {
  const fallback = sizes.subpackages.find((s) => s.root === 'fallback');
  expect(fallback.files.map((f) => f.path)).toEqual(expect.arrayContaining(['fallback/core-js.js', 'fallback/glue-js.js']));
  const mainFiles = sizes.main.files.map((f) => f.path);
  expect(mainFiles).toContain('core/core.wasm.br');
  expect(mainFiles.filter((f) => /\.wasm$|core-js\.js$|glue-js\.js$/.test(f))).toEqual([]);
});

test('main package is at most 2 MB', () => {
  const detail = `main package ${sizes.main.bytes} B (${kib(sizes.main.bytes)}); largest: ${sizes.main.files
    .slice(0, 5)
    .map((f) => `${f.path} ${f.bytes}`)
    .join(', ')}`;
  expect({ detail, fits: sizes.main.bytes <= PACKAGE_LIMIT_BYTES }).toEqual({ detail, fits: true });
});

test('each subpackage is at most 2 MB', () => {
  expect(sizes.subpackages.length).toBeGreaterThan(0);
  for (const s of sizes.subpackages) {
    expect({ root: s.root, bytes: s.bytes, fits: s.bytes <= PACKAGE_LIMIT_BYTES }).toEqual({ root: s.root, bytes: s.bytes, fits: true });
  }
  expect(sizes.problems).toEqual([]);
});
