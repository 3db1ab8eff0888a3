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

/** One CSV line as twiggy writes it (fields quoted, `""` inside quotes). */
function csvFields(line) {
  const out = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') { cur += '"'; i++; }
      else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { out.push(cur); cur = ''; }
    else cur += c;
  }
  out.push(cur);
  return out;
}

/**
 * Who a function is for: our module when the name mentions one (a serde
 * visitor monomorphised for `card::State` is the card's cost, whatever
 * crate's code it is), else the first crate named. Crate hashes
 * (`serde_json[4b94…]`) are dropped.
 */
function owner(raw) {
  const name = raw.replace(/\[[0-9a-f]+\]/g, '');
  if (/^data segment/.test(name)) return 'data segments (strings, tables)';
  if (/subsection|^custom section|^(type|import|export|table|elem|global|memory)\[/.test(name)) return 'wasm sections';
  const ours = name.match(/wecom_contact_core::([A-Za-z_][A-Za-z0-9_]*)/);
  if (ours) return `core::${ours[1]}`;
  const m = name.match(/([a-z_][a-z0-9_]*)::/);
  if (!m) return 'other';
  const crate = m[1];
  if (['core', 'alloc', 'std', 'compiler_builtins', 'dlmalloc', 'hashbrown'].includes(crate)) return 'std (core/alloc/std)';
  if (crate === 'serde' || crate === 'serde_core') return 'serde';
  return crate;
}

const sums = new Map();
let total = 0;
let deser = 0;
for (const line of csv.split('\n').slice(1)) {
  if (!line.trim()) continue;
  const [name, shallow] = csvFields(line);
  const size = Number(shallow);
  if (!Number.isFinite(size)) continue;
  // The name section is kept only for this report; the shipped core has none.
  if (/function names|local names/.test(name)) continue;
  total += size;
  if (/Deserialize|Visitor|::de::/.test(name)) deser += size;
  const o = owner(name);
  sums.set(o, (sums.get(o) || 0) + size);
}
const rows = [...sums.entries()].sort((a, b) => b[1] - a[1]).slice(0, TOP);
console.log(`| owner | bytes (raw, before wasm-opt) | share |`);
console.log(`|---|---|---|`);
for (const [o, n] of rows) console.log(`| ${o} | ${n.toLocaleString('en-US')} | ${((100 * n) / total).toFixed(1)} % |`);
console.log(`| total (without the name section) | ${total.toLocaleString('en-US')} | 100 % |`);
console.log('');
console.log(`Of the total, serde deserialisation (derived visitors and serde_json's reader, for any owner): ${deser.toLocaleString('en-US')} B (${((100 * deser) / total).toFixed(1)} %).`);
