#!/usr/bin/env node
// The build's stamp: `make build` (wasm-pack, build-core.js, build-fallback.js:
// about a minute) is skipped when nothing it reads has changed. The stamp,
// build/core.stamp, next to build/core.wasm, holds a sha256 over
//  - the files the build reads: src/**, Cargo.toml, Cargo.lock,
//    rust-toolchain.toml, package-lock.json (binaryen, esbuild), the build
//    scripts (this one included), miniprogram/app.json (the fallback
//    subpackage) and miniprogram/core/types.d.ts (written by `make types`);
//  - the toolchain: `rustc -V`, `wasm-pack --version`, `wasm-bindgen
//    --version`, and RUSTFLAGS (the Makefile's MVP flags).
//
//   node scripts/build-stamp.js check   exit 0 when the stamp matches and every output exists;
//                                       else record the inputs as seen now (build/core.stamp.next)
//   node scripts/build-stamp.js write   after a build: record the inputs as they were when it
//                                       started (the .next file), so that a source edited while
//                                       the build ran makes the next check rebuild
'use strict';
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const { execFileSync } = require('child_process');

const INPUT_FILES = [
  'Cargo.toml',
  'Cargo.lock',
  'rust-toolchain.toml',
  'package-lock.json',
  'scripts/build-core.js',
  'scripts/build-fallback.js',
  'scripts/build-stamp.js',
  'miniprogram/app.json',
  'miniprogram/core/types.d.ts',
];
const INPUT_DIRS = ['src'];
const OUTPUTS = [
  'build/core.wasm',
  'miniprogram/core/core.wasm.br',
  'miniprogram/core/glue.js',
  'miniprogram/core/manifest.js',
  'miniprogram/core/initial-view.js',
  'miniprogram/fallback/core-js.js',
  'miniprogram/fallback/glue-js.js',
];
const STAMP = 'build/core.stamp';
const NEXT = 'build/core.stamp.next';

function walk(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((e) => {
      const p = path.join(dir, e.name);
      return e.isDirectory() ? walk(p) : e.isFile() ? [p] : [];
    });
}

function versionOf(cmd, args) {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return `${cmd}: absent`;
  }
}

function toolchain() {
  return [
    versionOf('rustc', ['-V']),
    versionOf('wasm-pack', ['--version']),
    versionOf('wasm-bindgen', ['--version']),
    `RUSTFLAGS=${process.env.RUSTFLAGS || ''}`,
  ];
}

// The hash of the inputs under `root`; `tools` is the toolchain description.
function inputsHash(root, tools = toolchain()) {
  const h = crypto.createHash('sha256');
  for (const t of tools) h.update(`tool\0${t}\0`);
  const files = [
    ...INPUT_FILES.map((f) => path.join(root, f)),
    ...INPUT_DIRS.flatMap((d) => walk(path.join(root, d))),
  ];
  for (const f of files) {
    const rel = path.relative(root, f).split(path.sep).join('/');
    h.update(`file\0${rel}\0`);
    h.update(fs.existsSync(f) ? fs.readFileSync(f) : Buffer.from('\0absent'));
    h.update('\0');
  }
  return h.digest('hex');
}

// Why the build must run, or null when it may be skipped.
function staleReason(root, tools) {
  const missing = OUTPUTS.filter((o) => !fs.existsSync(path.join(root, o)));
  if (missing.length) return `missing ${missing.join(', ')}`;
  const stampFile = path.join(root, STAMP);
  if (!fs.existsSync(stampFile)) return `no ${STAMP}`;
  const recorded = fs.readFileSync(stampFile, 'utf8').trim();
  return recorded === inputsHash(root, tools) ? null : 'inputs changed';
}

function writeStamp(root, tools, hash = inputsHash(root, tools)) {
  fs.mkdirSync(path.dirname(path.join(root, STAMP)), { recursive: true });
  fs.writeFileSync(path.join(root, STAMP), `${hash}\n`);
}

/** Before a build: the inputs it starts from, kept for `finishBuild`. */
function beginBuild(root, tools) {
  const hash = inputsHash(root, tools);
  fs.mkdirSync(path.dirname(path.join(root, NEXT)), { recursive: true });
  fs.writeFileSync(path.join(root, NEXT), `${hash}\n`);
  return hash;
}

/** After a build: the stamp of the inputs it started from (or, without one, of now). */
function finishBuild(root, tools) {
  const next = path.join(root, NEXT);
  const hash = fs.existsSync(next) ? fs.readFileSync(next, 'utf8').trim() : inputsHash(root, tools);
  writeStamp(root, tools, hash);
  fs.rmSync(next, { force: true });
}

module.exports = { inputsHash, staleReason, writeStamp, beginBuild, finishBuild, OUTPUTS, STAMP };

if (require.main === module) {
  const root = path.resolve(__dirname, '..');
  const cmd = process.argv[2];
  if (cmd === 'check') {
    const why = staleReason(root);
    if (why) {
      beginBuild(root);
      console.log(`build: rebuilding the core (${why})`);
      process.exit(1);
    }
    console.log(`build: inputs unchanged since ${STAMP}, skipping wasm-pack, build-core and build-fallback`);
  } else if (cmd === 'write') {
    finishBuild(root);
    console.log(`build: wrote ${STAMP}`);
  } else {
    console.error('usage: node scripts/build-stamp.js check|write');
    process.exit(2);
  }
}
