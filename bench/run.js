#!/usr/bin/env node
// `make bench`: sizes, cold start, per-action dispatch latency against the
// boundary floor (core.noop()), and setData bytes per action (the core's
// patches vs a naive full-view setData vs westore's diff). Prints one
// markdown table to stdout and writes no file. Needs `make build` output.
//
// Timings use tinybench 2.9.0 with a fixed number of samples per task and
// process.hrtime; the setup each sample needs (a fresh Core replayed to the
// right state) runs in tinybench's beforeEach, outside the timed window.
// Everything is measured in this one process, so the ratios to core.noop()
// compare like with like; absolute times vary from machine to machine.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const zlib = require('zlib');
const { Bench } = require('tinybench');

const { loadGlue, loadGlueJs, silentWx, launchEvent, CONFIG, START, ROOT, PKG, CORE_DIR } = require('../tools/fake-shell.js');
const scenarios = require('./scenarios.js');
const { verdict } = require('./setdata.js');
const { packageSizes, PACKAGE_LIMIT_BYTES } = require('../tools/runtime/lib/packages.js');

const COLD_RUNS = 20;
const SAMPLES = 100;
const WARMUP = 10;
const NOOP_BATCH = 1000;

const now = () => Number(process.hrtime.bigint()) / 1e6; // ms

// ---------------------------------------------------------------- formatting
const int = (n) => Math.round(n).toLocaleString('en-US');
const B = (n) => `${int(n)} B`;
const KiB = (n) => `${(n / 1024).toFixed(1)} KiB`;
const pct = (a, b) => `${((100 * a) / b).toFixed(1)} %`;
function ms(x) {
  if (x >= 1) return `${x.toFixed(2)} ms`;
  if (x >= 0.001) return `${(x * 1000).toFixed(1)} µs`;
  return `${(x * 1e6).toFixed(0)} ns`;
}
const ratio = (a, b) => `${a / b >= 100 ? int(a / b) : (a / b).toFixed(2)}×`;
const median = (xs) => {
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const brotli = (buf) =>
  zlib.brotliCompressSync(buf, {
    params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: buf.length },
  }).length;

const rows = [];
const row = (area, item, value, baseline = '', r = '', check = '') => rows.push([area, item, value, baseline, r, check]);

function die(msg) {
  console.error(`bench: ${msg}`);
  process.exit(1);
}

// ---------------------------------------------------------------- 1. sizes
function sizes() {
  const brFile = path.join(CORE_DIR, 'core.wasm.br');
  const glueFile = path.join(CORE_DIR, 'glue.js');
  for (const f of [brFile, glueFile, path.join(CORE_DIR, 'manifest.js')]) {
    if (!fs.existsSync(f)) die(`${path.relative(ROOT, f)} is missing: run \`make build\` first`);
  }
  const br = fs.readFileSync(brFile);
  const raw = zlib.brotliDecompressSync(br);
  const shippedWasm = path.join(CORE_DIR, 'core.wasm');
  const where = fs.existsSync(shippedWasm) ? 'core/core.wasm, shipped' : 'not shipped: build/core.wasm';
  row('size', `core.wasm raw (${where})`, B(raw.length), KiB(raw.length));
  row('size', 'core/core.wasm.br (brotli 11)', B(br.length), KiB(br.length), `${pct(br.length, raw.length)} of raw`);
  const glue = fs.readFileSync(glueFile);
  row('size', 'core/glue.js raw / brotli', `${B(glue.length)} / ${B(brotli(glue))}`);
  // The wasm2js fallback: the brief's path first, then where the build puts it.
  for (const rel of ['core/core-js.js', 'fallback/core-js.js', 'fallback/glue-js.js']) {
    const f = path.join(PKG, rel);
    if (!fs.existsSync(f)) continue;
    const js = fs.readFileSync(f);
    row('size', `${rel} raw / brotli`, `${B(js.length)} / ${B(brotli(js))}`, '', rel.endsWith('core-js.js') ? `${ratio(js.length, raw.length)} the wasm` : '');
  }
  const s = packageSizes(PKG);
  const fits = (n) => (n <= PACKAGE_LIMIT_BYTES ? 'PASS' : 'FAIL');
  row('size', 'main package (miniprogram/ outside subpackages)', B(s.main.bytes), `limit ${B(PACKAGE_LIMIT_BYTES)}`, pct(s.main.bytes, PACKAGE_LIMIT_BYTES), fits(s.main.bytes));
  for (const sp of s.subpackages) {
    row('size', `subpackage ${sp.root}/`, B(sp.bytes), `limit ${B(PACKAGE_LIMIT_BYTES)}`, pct(sp.bytes, PACKAGE_LIMIT_BYTES), fits(sp.bytes));
  }
  row('size', 'all packages', B(s.total), `limit ${B(s.totalLimit)}`, pct(s.total, s.totalLimit), s.total <= s.totalLimit ? 'PASS' : 'FAIL');
}

// ---------------------------------------------------------------- 2. cold start
// The real shell: shell/core-loader.js (WXWebAssembly with the package path
// of core.wasm.br) and shell/core-host.js (new Core, launch dispatch,
// snapshot, effects), onto a page whose setData serializes what it gets.
// WXWebAssembly here reads the file from the package and brotli-decompresses
// it, then WebAssembly.instantiate: what the client does natively.
const coldMedians = {};
const coldFirsts = {};
async function coldStart(engine) {
  global.WXWebAssembly = {
    instantiate(p, imports) {
      let bytes = fs.readFileSync(path.join(PKG, p));
      if (p.endsWith('.br')) bytes = zlib.brotliDecompressSync(bytes);
      return WebAssembly.instantiate(bytes, imports);
    },
  };
  if (engine === 'js') delete global.WXWebAssembly; // an old client: no WXWebAssembly
  const loader = require('../miniprogram/shell/core-loader.js');
  let provided = false;
  const { CoreHost } = require('../miniprogram/shell/core-host.js');
  const wx = silentWx(); // wx.qy never answers: we stop at the first render
  const loads = [];
  function once() {
    return new Promise((resolve, reject) => {
      const t0 = now();
      let tLoaded = t0;
      if (engine === 'js' && !provided) {
        // What the boot page does on a client without require.async: load
        // the engine's modules (parsing 1.2 MB of JS) and hand them over.
        // The loader keeps them, so only the first run pays for this.
        provided = true;
        loader.provideFallback({
          coreJs: require('../miniprogram/fallback/core-js.js'),
          createGlueJs: require('../miniprogram/fallback/glue-js.js'),
        });
      }
      const page = {
        setData(data) {
          JSON.stringify(data); // the bridge serializes every setData
          loads.push(tLoaded - t0);
          resolve(now() - t0);
        },
      };
      const host = new CoreHost({
        config: CONFIG,
        wx,
        now: () => START,
        loadCore: () =>
          loader.loadCore().then((r) => {
            tLoaded = now();
            return r;
          }),
      });
      host.attach(page); // no core yet: nothing is sent until the first render
      host.start().then(() => {
        if (host.failure) reject(new Error(host.failure.message));
        if (host.engine !== engine) reject(new Error(`cold start ran engine ${host.engine}, not ${engine}`));
      }, reject);
    });
  }
  const first = await once();
  const firstLoad = loads[0];
  loads.length = 0;
  const bench = new Bench({ time: 0, iterations: COLD_RUNS, warmupIterations: 0, warmupTime: 0, now, throws: true });
  bench.add('cold start', async () => {
    await once();
  });
  await bench.run();
  delete global.WXWebAssembly;
  const t = bench.tasks[0].result;
  const m = median(t.samples);
  const what = engine === 'wasm' ? '.br → instance' : 'JS engine → instance';
  row('cold start', `${engine}: loader start → first setData, median of ${t.samples.length}`, ms(m), `of which ${what}: ${ms(median(loads))}`, coldMedians.wasm ? `${ratio(m, coldMedians.wasm)} the wasm median` : '', '');
  row('cold start', `${engine}: the same, first run in this process${engine === 'js' ? ' (incl. parsing the engine)' : ''}`, ms(first), `of which ${what}: ${ms(firstLoad)}`, coldFirsts.wasm ? `${ratio(first, coldFirsts.wasm)} the wasm first run` : '', '');
  coldMedians[engine] = m;
  coldFirsts[engine] = first;
}

// ---------------------------------------------------------------- 3 + 4. actions
async function actions() {
  const glue = loadGlue();
  const played = scenarios.play(glue);
  scenarios.checkDeterministic(glue, CONFIG, played.launch);
  scenarios.checkDeterministic(glue, CONFIG, played.big);
  const L = played.launch.events;
  const { events: E, cardIndex, keystrokeIndex, saveIndex } = played.big;

  const fresh = (prefixEnd, events = E) => {
    const core = new glue.Core(CONFIG);
    scenarios.replay(core, events, 0, prefixEnd);
    return core;
  };
  let core = null;
  const dispose = () => {
    if (core) core.free();
    core = null;
  };

  const bench = new Bench({ time: 0, iterations: SAMPLES, warmupTime: 0, warmupIterations: WARMUP, now, throws: true });
  const floor = new glue.Core(CONFIG);
  bench.add('noop', () => {
    for (let i = 0; i < NOOP_BATCH; i++) floor.noop();
  });
  bench.add(
    'launch → card',
    () => {
      for (const ev of L) core.dispatch(ev);
    },
    { beforeEach: () => { core = new glue.Core(CONFIG); }, afterEach: dispose },
  );
  bench.add('open big card', () => core.dispatch(E[cardIndex]), {
    beforeEach: () => { core = fresh(cardIndex); },
    afterEach: dispose,
  });
  // Typing: the same handle throughout, alternating two values so that each
  // keystroke changes the form; the draft write it asks for is answered
  // outside the timed window, as the shell would.
  let typed = 0;
  let stamp = E[keystrokeIndex].now;
  let lastEffects = null;
  bench.add(
    'keystroke',
    () => {
      stamp += 100;
      typed += 1;
      lastEffects = core.dispatch({ type: 'input', field: 'remark', value: typed % 2 ? '大客户A' : '大客户AB', index: null, now: stamp });
    },
    {
      beforeAll: () => { core = fresh(keystrokeIndex); },
      afterEach: () => {
        for (const e of lastEffects) if (e.kind === 'storageSet') core.dispatch({ type: 'storageResult', id: e.id, ok: true, errMsg: '' });
      },
      afterAll: dispose,
    },
  );
  // What the shell adds around a keystroke, measured on the real
  // shell/core-host.js (not a model of it): the journal, a snapshot every
  // 25 dispatches, the draft write and its storageResult.
  bench.add('snapshot', () => core.snapshot(), {
    beforeAll: () => { core = fresh(keystrokeIndex); },
    afterAll: dispose,
  });
  const { CoreHost } = require('../miniprogram/shell/core-host.js');
  const fakeWx = {
    setStorage: (o) => o.success && o.success({ errMsg: 'setStorage:ok' }),
    removeStorage: () => {},
  };
  let host = null;
  bench.add(
    'keystroke via host',
    () => {
      stamp += 100;
      typed += 1;
      host.dispatch({ type: 'input', field: 'remark', value: typed % 2 ? '大客户A' : '大客户AB', index: null, now: stamp });
    },
    {
      beforeAll: () => {
        core = fresh(keystrokeIndex);
        host = new CoreHost({ config: CONFIG, wx: fakeWx, loadCore: () => Promise.reject(new Error('not used')) });
        host.core = core;
        host.Core = glue.Core;
        host.engine = 'wasm';
        host.attach({ setData: () => {} });
      },
      afterAll: () => {
        host = null;
        dispose();
      },
    },
  );
  // The same actions on the JS engine (the wasm2js fallback), as ratios to
  // the wasm build measured in this same run.
  const glueJs = loadGlueJs();
  let coreJs = null;
  const freshJs = (prefixEnd) => {
    const c = new glueJs.Core(CONFIG);
    scenarios.replay(c, E, 0, prefixEnd);
    return c;
  };
  const disposeJs = () => {
    if (coreJs) coreJs.free();
    coreJs = null;
  };
  bench.add(
    'launch → card (js)',
    () => {
      for (const ev of L) coreJs.dispatch(ev);
    },
    { beforeEach: () => { coreJs = new glueJs.Core(CONFIG); }, afterEach: disposeJs },
  );
  bench.add('open big card (js)', () => coreJs.dispatch(E[cardIndex]), {
    beforeEach: () => { coreJs = freshJs(cardIndex); },
    afterEach: disposeJs,
  });
  let typedJs = 0;
  let stampJs = E[keystrokeIndex].now;
  bench.add(
    'keystroke (js)',
    () => {
      stampJs += 100;
      typedJs += 1;
      const fx = coreJs.dispatch({ type: 'input', field: 'remark', value: typedJs % 2 ? '大客户A' : '大客户AB', index: null, now: stampJs });
      for (const e of fx) if (e.kind === 'storageSet') coreJs.dispatch({ type: 'storageResult', id: e.id, ok: true, errMsg: '' });
    },
    { beforeAll: () => { coreJs = freshJs(keystrokeIndex); }, afterAll: disposeJs },
  );
  bench.add('save', () => core.dispatch(E[saveIndex]), {
    beforeEach: () => { core = fresh(saveIndex); },
    afterEach: dispose,
  });
  await bench.warmup();
  await bench.run();
  const med = {};
  for (const task of bench.tasks) {
    if (!task.result || task.result.error) die(`task ${task.name} failed: ${task.result && task.result.error}`);
    med[task.name] = median(task.result.samples);
  }
  const noop = med.noop / NOOP_BATCH;
  row('dispatch', `core.noop() (boundary floor; ${NOOP_BATCH} calls per sample)`, ms(noop), 'floor', '1×');
  const labels = {
    'launch → card': `launch → card (${L.length} dispatches, 3 follow users)`,
    'open big card': `open big card: 1 httpResult, ${int(played.cardBodyBytes)} B body (${played.followUsers} follow users, ${played.tags} tags)`,
    keystroke: 'keystroke in remark (after tap edit), big card',
    save: 'tap save, big card',
    snapshot: 'core.snapshot(), big card (core-host takes one every 25 dispatches and at hide)',
    'keystroke via host': 'keystroke through shell/core-host.js: input, draft write, storageResult, journal',
  };
  for (const name of ['launch → card', 'open big card', 'keystroke', 'save', 'snapshot', 'keystroke via host']) {
    row('dispatch', labels[name], ms(med[name]), `median of ${SAMPLES}`, `${ratio(med[name], noop)} noop`);
  }
  for (const name of ['launch → card', 'open big card', 'keystroke']) {
    row('dispatch', `JS engine: ${labels[name]}`, ms(med[`${name} (js)`]), `wasm: ${ms(med[name])}`, `${ratio(med[`${name} (js)`], med[name])} the wasm build`);
  }

  for (const name of scenarios.ACTIONS) {
    const t = played.tallies[name];
    const v = verdict(t, { keystroke: name === 'keystroke' });
    const check = v.pass ? (name === 'keystroke' ? 'PASS (1 call, changed paths only)' : 'PASS') : `FAIL: ${v.problems.join('; ')}`;
    row(
      'setData',
      `${name} (${t.dispatches} dispatch${t.dispatches > 1 ? 'es' : ''})`,
      `core ${t.core.calls}× ${B(t.core.bytes)}`,
      `westore ${t.westore.calls}× ${B(t.westore.bytes)}` +
        (t.westoreEmptyCalls ? ` (+${t.westoreEmptyCalls} empty)` : '') +
        ` · naive ${t.naive.calls}× ${B(t.naive.bytes)}`,
      `${t.westore.bytes ? (t.core.bytes / t.westore.bytes).toFixed(3) : '-'} of westore · ${(t.core.bytes / t.naive.bytes).toFixed(3)} of naive`,
      check,
    );
  }
  floor.free();
  return played;
}

const pkgVersion = (name) => JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;

function printTable() {
  const head = ['area', 'measure', 'value', 'baseline', 'ratio', 'check'];
  const all = [head, ...rows];
  const width = head.map((_, i) => Math.max(...all.map((r) => String(r[i]).length)));
  const line = (r) => `| ${r.map((c, i) => String(c).padEnd(width[i])).join(' | ')} |`;
  const out = [line(head), `|${width.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)];
  console.log(out.join('\n'));
}

async function main() {
  sizes();
  await coldStart('wasm');
  await coldStart('js');
  await actions();
  const cpus = os.cpus();
  console.log(
    `make bench (node bench/run.js): node ${process.version}, ${os.availableParallelism ? os.availableParallelism() : cpus.length} CPUs available (nproc), ${cpus[0] ? cpus[0].model.trim() : '?'}, ` +
      `tinybench ${pkgVersion('tinybench')}, westore ${pkgVersion('westore')}\n`,
  );
  printTable();
  const failed = rows.filter((r) => String(r[5]).startsWith('FAIL'));
  if (failed.length) process.exitCode = 1;
}

main().catch((e) => die(e && e.stack ? e.stack : String(e)));
