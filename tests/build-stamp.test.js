// scripts/build-stamp.js: `make build` skips only when every input and the
// toolchain are as recorded and every output is present.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { staleReason, writeStamp, beginBuild, finishBuild, OUTPUTS } = require('../scripts/build-stamp.js');

const TOOLS = ['rustc 1.0.0', 'wasm-pack 0.13.1', 'wasm-bindgen 0.2.130', 'RUSTFLAGS=-Ctarget-cpu=mvp'];

function builtTree() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'wcc-stamp-'));
  const put = (rel, text) => {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  };
  put('src/lib.rs', 'pub fn a() {}\n');
  put('src/app/mod.rs', 'mod x;\n');
  put('Cargo.toml', '[package]\n');
  put('Cargo.lock', '# lock\n');
  for (const o of OUTPUTS) put(o, 'built');
  return { root, put };
}

test('a tree built with the recorded inputs is not rebuilt', () => {
  const { root } = builtTree();
  expect(staleReason(root, TOOLS)).toBe('no build/core.stamp');
  writeStamp(root, TOOLS);
  expect(staleReason(root, TOOLS)).toBeNull();
});

test('a changed, added or removed source file rebuilds', () => {
  const { root, put } = builtTree();
  writeStamp(root, TOOLS);
  put('src/app/mod.rs', 'mod y;\n');
  expect(staleReason(root, TOOLS)).toBe('inputs changed');
  writeStamp(root, TOOLS);
  put('src/app/new.rs', '\n');
  expect(staleReason(root, TOOLS)).toBe('inputs changed');
  writeStamp(root, TOOLS);
  fs.rmSync(path.join(root, 'src/app/new.rs'));
  expect(staleReason(root, TOOLS)).toBe('inputs changed');
});

test('Cargo.lock, the build scripts and the toolchain are inputs', () => {
  const { root, put } = builtTree();
  writeStamp(root, TOOLS);
  put('Cargo.lock', '# bumped\n');
  expect(staleReason(root, TOOLS)).toBe('inputs changed');
  writeStamp(root, TOOLS);
  put('scripts/build-core.js', '// changed\n');
  expect(staleReason(root, TOOLS)).toBe('inputs changed');
  writeStamp(root, TOOLS);
  expect(staleReason(root, ['rustc 1.0.1', ...TOOLS.slice(1)])).toBe('inputs changed');
  expect(staleReason(root, [...TOOLS.slice(0, 3), 'RUSTFLAGS='])).toBe('inputs changed');
});

test('a missing output rebuilds even with a matching stamp', () => {
  const { root } = builtTree();
  writeStamp(root, TOOLS);
  fs.rmSync(path.join(root, 'miniprogram/fallback/core-js.js'));
  expect(staleReason(root, TOOLS)).toBe('missing miniprogram/fallback/core-js.js');
});

test('a source edited while the build runs is rebuilt next time: the stamp is of the inputs the build started from', () => {
  const { root, put } = builtTree();
  writeStamp(root, TOOLS);
  put('src/app/mod.rs', 'mod edited;\n');
  expect(staleReason(root, TOOLS)).toBe('inputs changed');
  beginBuild(root, TOOLS); // make build starts from `mod edited`
  put('src/app/mod.rs', 'mod reverted;\n'); // the user saves again mid-build
  finishBuild(root, TOOLS);
  expect(staleReason(root, TOOLS)).toBe('inputs changed');
  // Without an edit during the build, the stamp matches.
  beginBuild(root, TOOLS);
  finishBuild(root, TOOLS);
  expect(staleReason(root, TOOLS)).toBeNull();
  expect(fs.existsSync(path.join(root, 'build/core.stamp.next'))).toBe(false);
});
