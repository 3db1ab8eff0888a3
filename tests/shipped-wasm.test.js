// The wasm that ships (miniprogram/core/core.wasm.br) is the MVP artifact:
// no exported Global (iOS rejects them); no reference types, multivalue, bulk
// memory, sign-extension, SIMD or threads (old engines reject them: Safari
// before 14.1 has no sign-extension); one import module for the glue.
'use strict';
const fs = require('fs');
const path = require('path');
const os = require('os');
const zlib = require('zlib');
const { spawnSync } = require('child_process');
const { wasmFeatureProblems } = require('../tools/runtime/lib/wasmcheck.js');

const BR = path.resolve(__dirname, '../miniprogram/core/core.wasm.br');

function shipped() {
  if (!fs.existsSync(BR)) throw new Error('miniprogram/core/core.wasm.br is missing: run `make build`');
  return zlib.brotliDecompressSync(fs.readFileSync(BR));
}

/**
 * Validates a module with binaryen restricted to exactly the MVP feature set:
 * this decodes every instruction, so sign-extension, bulk memory,
 * non-trapping float-to-int and the rest are all caught. (binaryen is an ES
 * module with top-level await, so it runs in a child process.)
 */
function validatesAsMvp(bytes) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wcc-mvp-'));
  const file = path.join(dir, 'm.wasm');
  fs.writeFileSync(file, bytes);
  const script = `import('binaryen').then(({ default: b }) => {
    const m = b.readBinary(require('fs').readFileSync(${JSON.stringify(file)}));
    m.setFeatures(b.Features.MVP);
    process.exit(m.validate() ? 0 : 3);
  });`;
  const res = spawnSync(process.execPath, ['-e', script], { cwd: path.resolve(__dirname, '..'), encoding: 'utf8' });
  fs.rmSync(dir, { recursive: true, force: true });
  return res.status === 0;
}

test('the shipped wasm exports no Global', () => {
  const mod = new WebAssembly.Module(shipped());
  const kinds = WebAssembly.Module.exports(mod).map((e) => e.kind);
  expect(kinds).not.toContain('global');
  expect(kinds).toContain('memory');
  expect(kinds.filter((k) => k === 'table')).toEqual([]);
});

test('the shipped wasm uses only MVP features', () => {
  const bytes = shipped();
  expect(wasmFeatureProblems(bytes)).toEqual([]);
  expect(validatesAsMvp(bytes)).toBe(true);
});

test('the MVP check catches a sign-extension instruction', () => {
  // (func (param i32) (result i32) local.get 0 i32.extend8_s)
  const section = (id, body) => [id, body.length, ...body];
  const body = [0, 0x20, 0, 0xc0, 0x0b];
  const bytes = Buffer.from([
    0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    ...section(1, [1, 0x60, 1, 0x7f, 1, 0x7f]),
    ...section(3, [1, 0]),
    ...section(10, [1, body.length, ...body]),
  ]);
  expect(() => new WebAssembly.Module(bytes)).not.toThrow();
  expect(validatesAsMvp(bytes)).toBe(false);
});

test('the checker does catch a post-MVP module', () => {
  // A type returning two values (multivalue) and two funcref tables (reference types).
  const section = (id, body) => [id, body.length, ...body];
  const bytes = Buffer.from([
    0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    ...section(1, [1, 0x60, 0, 2, 0x7f, 0x7f]),
    ...section(4, [2, 0x70, 0, 1, 0x70, 0, 1]),
  ]);
  expect(wasmFeatureProblems(bytes).length).toBeGreaterThan(0);
});

test('one import module, which the glue provides', () => {
  const mod = new WebAssembly.Module(shipped());
  const modules = [...new Set(WebAssembly.Module.imports(mod).map((i) => i.module))];
  expect(modules).toHaveLength(1);
  const manifest = require('../miniprogram/core/manifest.js');
  expect(modules[0]).toBe(manifest.importModule);
});
