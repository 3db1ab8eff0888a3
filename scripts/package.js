#!/usr/bin/env node
// `make package`: the kit as an npm package, build/package/wecom-contact-core-VERSION.tgz
// (npm pack of build/package/stage). Run after `make build`. The tarball holds:
//   package.json   from package/package.json, the version from Cargo.toml's root crate
//   README.md      package/README.md: install, the API, the configuration
//   bin/install.js package/bin/install.js (`npx wecom-contact-core-install`)
//   miniprogram_dist/{core,shell,components,fallback}   miniprogram/'s, as built
//   typings/wx-qy.d.ts
// Prints the tarball's path (last line) and its size.
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
const { OUTPUTS } = require('./build-stamp.js');

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(ROOT, 'build', 'package');
const STAGE = path.join(OUT, 'stage');
const KIT_PARTS = ['core', 'shell', 'components', 'fallback'];

function fail(msg) {
  console.error(`package: ${msg}`);
  process.exit(1);
}

function crateVersion() {
  const toml = fs.readFileSync(path.join(ROOT, 'Cargo.toml'), 'utf8');
  const pkg = /^\[package\][^[]*?^version\s*=\s*"([^"]+)"/m.exec(toml);
  if (!pkg) fail('no [package] version in Cargo.toml');
  return pkg[1];
}

function copyDir(from, to) {
  fs.mkdirSync(to, { recursive: true });
  for (const ent of fs.readdirSync(from, { withFileTypes: true })) {
    if (ent.name.startsWith('.')) continue;
    const a = path.join(from, ent.name);
    const b = path.join(to, ent.name);
    if (ent.isDirectory()) copyDir(a, b);
    else fs.copyFileSync(a, b);
  }
}

function main() {
  const missing = OUTPUTS.filter((o) => o.startsWith('miniprogram/') && !fs.existsSync(path.join(ROOT, o)));
  if (missing.length) fail(`the core is not built (missing ${missing.join(', ')}); run \`make build\` first`);
  fs.rmSync(OUT, { recursive: true, force: true });
  fs.mkdirSync(STAGE, { recursive: true });

  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package', 'package.json'), 'utf8'));
  manifest.version = crateVersion();
  fs.writeFileSync(path.join(STAGE, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  fs.copyFileSync(path.join(ROOT, 'package', 'README.md'), path.join(STAGE, 'README.md'));
  copyDir(path.join(ROOT, 'package', 'bin'), path.join(STAGE, 'bin'));
  fs.chmodSync(path.join(STAGE, 'bin', 'install.js'), 0o755);
  for (const part of KIT_PARTS) copyDir(path.join(ROOT, 'miniprogram', part), path.join(STAGE, 'miniprogram_dist', part));
  copyDir(path.join(ROOT, 'miniprogram', 'typings'), path.join(STAGE, 'typings'));

  const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', OUT], {
    cwd: STAGE,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }))[0];
  const tgz = path.join(OUT, packed.filename);
  console.log(`package: ${packed.name}@${packed.version}: ${packed.entryCount} files, ${packed.size} B packed, ${packed.unpackedSize} B unpacked`);
  console.log(tgz);
}

main();
