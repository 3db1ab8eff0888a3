#!/usr/bin/env node
// `make size`: where the core's bytes go. Reads a wasm that kept its name
// section (target/size, built by `make size` with the shipped flags but
// without stripping), asks twiggy for every function's own size, and sums
// them by owner (crate, and module for our own crate), largest first. The
// shipped core is stripped and wasm-opt'ed, so these are raw bytes before
// wasm-opt: shares, not the shipped figure (bench/run.js has that).
'use strict';

const { execFileSync } = require('child_process');
const fs = require('fs');

const wasm = process.argv[2];
const TOP = Number(process.argv[3] || 30);
if (!wasm || !fs.existsSync(wasm)) {
  console.error(`size-report: no wasm at ${wasm}`);
  process.exit(2);
}
const csv = execFileSync('twiggy', ['top', '-n', '100000', '--format', 'csv', wasm], { maxBuffer: 1 << 28 }).toString();

/** "serde_json", "wecom_contact_core::card", "std", "data", … for one twiggy item name. */
function owner(name) {
  if (/^data\[/.test(name)) return 'data segments';
  if (/^(code|type|import|export|table|elem|global|memory)\[/.test(name) || /^"?(function names|local names|custom section)/.test(name)) return 'wasm sections';
  // Demangled Rust: take the first path that names a crate we can read.
  const m = name.match(/(?:<|^|\s|\()(&?(?:mut )?)?([a-z_][a-z0-9_]*)::([A-Za-z_][A-Za-z0-9_]*)?/);
  if (!m) return 'other';
  const crate = m[2];
  if (crate === 'wecom_contact_core') return `core::${m[3] || '?'}`;
  if (['core', 'alloc', 'std', 'compiler_builtins', 'dlmalloc'].includes(crate)) return 'std (core/alloc/std)';
  if (crate.startsWith('serde_json')) return 'serde_json';
  if (crate === 'serde' || crate === 'serde_core') return 'serde';
  return crate;
}

const sums = new Map();
let total = 0;
for (const line of csv.split('\n').slice(1)) {
  if (!line.trim()) continue;
  // Name,ShallowSize,ShallowSizePercent — the name may hold commas.
  const parts = line.split(',');
  const pct = parts.pop();
  const size = Number(parts.pop());
  const name = parts.join(',').replace(/^"|"$/g, '');
  if (!Number.isFinite(size) || pct === undefined) continue;
  total += size;
  const o = owner(name);
  sums.set(o, (sums.get(o) || 0) + size);
}
const rows = [...sums.entries()].sort((a, b) => b[1] - a[1]).slice(0, TOP);
console.log(`| owner | bytes (raw, before wasm-opt) | share |`);
console.log(`|---|---|---|`);
for (const [o, n] of rows) console.log(`| ${o} | ${n.toLocaleString('en-US')} | ${((100 * n) / total).toFixed(1)} % |`);
console.log(`| total | ${total.toLocaleString('en-US')} | 100 % |`);
