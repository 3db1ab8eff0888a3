#!/usr/bin/env node
// `make dev`: the real stack on loopback (sim/stack.js): wecom-double seeded with the
// simulator's fixtures, wcc-server on SQLite pointed at it (its materials library filled from
// the fixtures through its admin API), and the WeCom simulator (sim/) on
// port $PORT (default 5178), whose phone runs the reference mini program with its wx.request
// going to wcc-server. Prints each address. Ctrl-C stops all three.
//
// The dev loop, with no manual step:
//  - an edit under miniprogram/ (or sim/, tools/runtime/): the simulator rebuilds its bundles
//    and the phone relaunches (storage kept), or the page and this terminal show what cannot
//    be built, as file:line:column (sim/server.js `watch`, sim/source-problems.js);
//  - an edit under src/ (or Cargo.toml): `make build` runs here (its progress printed), then
//    the phone relaunches on the new core; a compile error is shown in the page as well.
// WCC_DEV_LOG=1 echoes every line the double and the server print. WCC_DEV_WATCH=0 turns the
// watchers off.
'use strict';
const fs = require('fs');
const path = require('path');
const { spawn } = require('child_process');
const { startStack } = require('../sim/stack');
const { MATERIAL_ADMINS } = require('../sim/fixtures');

const ROOT = path.resolve(__dirname, '..');
const port = process.env.PORT === undefined || process.env.PORT === '' ? 5178 : Number(process.env.PORT);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`make dev: PORT must be a port number (got "${process.env.PORT}")`);
  process.exit(1);
}
const verbose = process.env.WCC_DEV_LOG === '1';
const watch = process.env.WCC_DEV_WATCH !== '0';

let stack = null;
let stopping = false;
let builder = null;
const stop = (code) => {
  if (stopping) return;
  stopping = true;
  if (builder) builder.kill('SIGTERM');
  const done = () => process.exit(code);
  if (stack) stack.close().then(done, (e) => { console.error(e.message); process.exit(1); });
  else done();
};
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
process.on('SIGHUP', () => stop(0));

/** Newest mtime of what the core is built from. */
function coreStamp() {
  let newest = 0;
  const walk = (p) => {
    if (!fs.existsSync(p)) return;
    const st = fs.statSync(p);
    if (st.isDirectory()) for (const name of fs.readdirSync(p)) walk(path.join(p, name));
    else newest = Math.max(newest, st.mtimeMs);
  };
  for (const p of ['src', 'Cargo.toml', 'Cargo.lock']) walk(path.join(ROOT, p));
  return newest;
}

/** rustc's errors in cargo's output, as `file:line:column: message` lines. */
function compileProblems(output) {
  const out = [];
  const re = /^(error(?:\[E\d+\])?): (.*)\n\s*--> ([^\s:]+):(\d+):(\d+)/gm;
  let m;
  while ((m = re.exec(output)) !== null) out.push({ file: m[3], line: Number(m[4]), column: Number(m[5]), message: `${m[1]}: ${m[2]}` });
  return out;
}

/** Rebuilds the core after src/ changed; the phone relaunches when it is built. */
function watchCore(sim) {
  let seen = coreStamp();
  let again = false;
  const run = () => {
    const started = Date.now();
    console.log('make dev: src/ changed: make build');
    sim.pause();
    let output = '';
    builder = spawn('make', ['--no-print-directory', 'build'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    // The wasm core is in place once build-core is done: the phone relaunches then, while
    // the JS engine (build-fallback, the slowest step) is still being built.
    let early = false;
    const echo = (chunk) => {
      output += chunk;
      process.stdout.write(chunk);
      if (!early && output.includes('build: [3/3]')) {
        early = true;
        console.log(`make dev: wasm core rebuilt in ${((Date.now() - started) / 1000).toFixed(1)} s; the phone relaunches (the JS engine follows)`);
        sim.resume('core rebuilt').then(() => sim.pause());
      }
    };
    builder.stdout.on('data', echo);
    builder.stderr.on('data', echo);
    builder.on('close', (code) => {
      builder = null;
      if (stopping) return;
      const secs = ((Date.now() - started) / 1000).toFixed(1);
      if (code === 0) {
        console.log(`make dev: core rebuilt in ${secs} s${early ? ' (JS engine included)' : '; the phone relaunches'}`);
        sim.resume(early ? null : 'core rebuilt');
      } else {
        const problems = compileProblems(output);
        const text = problems.length
          ? problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.message}`).join('\n')
          : `make build failed (status ${code}); see the terminal`;
        console.log(`make dev: the core did not build (${secs} s); the phone keeps the last core`);
        sim.resume(null); // no relaunch: the package still holds the last core that built
        sim.broadcast('problems', { problems, text });
      }
      if (again) {
        again = false;
        run();
      }
    });
  };
  const timer = setInterval(() => {
    const now = coreStamp();
    if (now === seen) return;
    seen = now;
    if (builder) again = true;
    else run();
  }, 500);
  timer.unref();
}

startStack({
  port,
  watch,
  log: (line) => {
    if (verbose || /\b(ERROR|WARN)\b/.test(line)) console.log(line);
  },
  simLog: (line) => console.log(line),
}).then((s) => {
  stack = s;
  if (stopping) { stopping = false; stop(0); return; }
  console.log(`wecom-double (WeCom's server API): ${s.double.url}  (control API: ${s.double.url}/__double/counts)`);
  console.log(`wcc-server (the backend, ${s.server.databaseUrl}): ${s.server.url}`);
  console.log(`materials library: ${Object.keys(s.materials).length} materials (sim/fixtures.js MATERIALS), filled through POST /api/admin/materials as ${MATERIAL_ADMINS.join(', ')} (WCC_MATERIAL_ADMINS)`);
  console.log(`WeCom simulator: ${s.url}  (address ${s.sim.host}, port ${s.sim.port}; wx.request → ${s.url}backend → wcc-server)`);
  if (watch) {
    watchCore(s.sim);
    console.log('Watching: miniprogram/ and sim/ edits relaunch the phone; src/ edits run `make build` first. `make dev` again after server changes. Ctrl-C to stop.');
  } else {
    console.log('Not watching (WCC_DEV_WATCH=0): reload the page after edits, `make build` after core changes. Ctrl-C to stop.');
  }
  s.exited.then((e) => {
    if (stopping) return;
    console.error(`make dev: ${e.name} stopped (${e.signal || `status ${e.code}`}); stopping the rest.`);
    stop(1);
  });
}, (err) => {
  console.error(err.message);
  process.exit(1);
});
