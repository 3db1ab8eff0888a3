#!/usr/bin/env node
// Cold start and JS-engine parse time of this checkout against another built
// checkout (a baseline: an earlier commit after `make build`), as ratios
// from one run:
//
//   node bench/cold-compare.js /path/to/baseline [runs]
//
// Each sample is a fresh Node process (what "first run" means on a phone:
// nothing compiled or cached yet), the two trees taken in turn, A B A B…,
// so that drift in the machine's speed hits both. Three figures per tree:
// - wasm: loader start → first setData, with WXWebAssembly reading and
//   brotli-decompressing core.wasm.br from the package (bench/run.js's cold
//   start, first run only);
// - js: the same on a client without WXWebAssembly, the JS engine parsed
//   and run (the boot page's provideFallback);
// - parse: `require` of fallback/core-js.js alone.
// The shell files are each tree's own; the launch event is this one's.
'use strict';

const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

const now = () => Number(process.hrtime.bigint()) / 1e6;

async function child(root, what) {
  const pkg = path.join(root, 'miniprogram');
  const { silentWx, CONFIG, START } = require('../tools/fake-shell.js');
  if (what === 'parse') {
    const t0 = now();
    require(path.join(pkg, 'fallback', 'core-js.js'));
    return now() - t0;
  }
  if (what === 'wasm') {
    global.WXWebAssembly = {
      instantiate(p, imports) {
        let bytes = fs.readFileSync(path.join(pkg, p));
        if (p.endsWith('.br')) bytes = zlib.brotliDecompressSync(bytes);
        return WebAssembly.instantiate(bytes, imports);
      },
    };
  }
  const t0 = now();
  const loader = require(path.join(pkg, 'shell', 'core-loader.js'));
  const { CoreHost } = require(path.join(pkg, 'shell', 'core-host.js'));
  if (what === 'js') {
    loader.provideFallback({
      coreJs: require(path.join(pkg, 'fallback', 'core-js.js')),
      createGlueJs: require(path.join(pkg, 'fallback', 'glue-js.js')),
    });
  }
  const wx = silentWx();
  return new Promise((resolve, reject) => {
    const host = new CoreHost({ config: CONFIG, wx, now: () => START, loadCore: () => loader.loadCore() });
    host.attach({
      setData(data) {
        JSON.stringify(data);
        resolve(now() - t0);
      },
    });
    host.start().then(() => {
      if (host.failure) reject(new Error(host.failure.message));
      else if (host.engine !== what) reject(new Error(`ran engine ${host.engine}, not ${what}`));
    }, reject);
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function main() {
  const [base, runsArg] = process.argv.slice(2);
  if (!base || !fs.existsSync(path.join(base, 'miniprogram', 'core', 'core.wasm.br'))) {
    console.error('usage: node bench/cold-compare.js BASELINE_CHECKOUT [runs]  (the baseline needs `make build`)');
    process.exit(2);
  }
  const runs = Number(runsArg || 15);
  const here = path.resolve(__dirname, '..');
  const trees = { this: here, baseline: path.resolve(base) };
  const sizes = (root) => ({
    br: fs.statSync(path.join(root, 'miniprogram', 'core', 'core.wasm.br')).size,
    js: fs.statSync(path.join(root, 'miniprogram', 'fallback', 'core-js.js')).size,
  });
  const out = {};
  for (const what of ['wasm', 'js', 'parse']) {
    out[what] = { this: [], baseline: [] };
    for (let i = 0; i < runs; i++) {
      for (const name of ['this', 'baseline']) {
        const ms = execFileSync(process.execPath, [__filename, '--child', trees[name], what]).toString().trim();
        out[what][name].push(Number(ms));
      }
    }
  }
  const s = { this: sizes(here), baseline: sizes(trees.baseline) };
  console.log(`| figure (median of ${runs} fresh processes each, taken in turn) | this checkout | baseline | this ÷ baseline |`);
  console.log('|---|---|---|---|');
  console.log(`| core.wasm.br | ${s.this.br.toLocaleString('en-US')} B | ${s.baseline.br.toLocaleString('en-US')} B | ${(s.this.br / s.baseline.br).toFixed(2)} |`);
  console.log(`| fallback/core-js.js | ${s.this.js.toLocaleString('en-US')} B | ${s.baseline.js.toLocaleString('en-US')} B | ${(s.this.js / s.baseline.js).toFixed(2)} |`);
  const label = { wasm: 'cold start, wasm (loader → first setData)', js: 'cold start, JS engine (incl. parsing it)', parse: 'JS engine parse (require core-js.js)' };
  for (const what of ['wasm', 'js', 'parse']) {
    const a = median(out[what].this);
    const b = median(out[what].baseline);
    console.log(`| ${label[what]} | ${a.toFixed(1)} ms | ${b.toFixed(1)} ms | ${(a / b).toFixed(2)} |`);
  }
}

if (process.argv[2] === '--child') {
  child(process.argv[3], process.argv[4]).then(
    (ms) => {
      process.stdout.write(`${ms}\n`);
      process.exit(0);
    },
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
} else {
  main();
}
