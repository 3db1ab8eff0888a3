'use strict';
// Shared helpers for the runtime self-tests (not a test file).
const fs = require('fs');
const os = require('os');
const path = require('path');
const zlib = require('zlib');
const vm = require('vm');

const FIXTURE = path.join(__dirname, 'fixture');

const u32 = (n) => { // unsigned LEB128
  const out = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
};
const str = (s) => [...u32(s.length), ...Buffer.from(s, 'utf8')];
const section = (id, body) => [id, ...u32(body.length), ...body];

/**
 * Hand-written wasm module:
 *   (import "env" "log" (func (param i32)))
 *   (func (export "f") (result i32) (call $log (i32.const 7)) (i32.const 42))
 *   optionally (global (export "g") i32 (i32.const 5))
 */
function wasmModule({ exportGlobal = false } = {}) {
  const types = section(1, [2, 0x60, 0, 1, 0x7f, 0x60, 1, 0x7f, 0]);
  const imports = section(2, [1, ...str('env'), ...str('log'), 0x00, 1]);
  const funcs = section(3, [1, 0]);
  const globals = exportGlobal ? section(6, [1, 0x7f, 0x00, 0x41, 5, 0x0b]) : [];
  const exps = [...str('f'), 0x00, 1];
  if (exportGlobal) exps.push(...str('g'), 0x03, 0);
  const exportSec = section(7, [exportGlobal ? 2 : 1, ...exps]);
  const body = [0, 0x41, 7, 0x10, 0, 0x41, 42, 0x0b];
  const code = section(10, [1, ...u32(body.length), ...body]);
  return Buffer.from([0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0, ...types, ...imports, ...funcs, ...globals, ...exportSec, ...code]);
}

/** A module using post-MVP features: a (result i32 i32) type and two funcref tables. */
function wasmPostMvp() {
  const types = section(1, [1, 0x60, 0, 2, 0x7f, 0x7f]);
  const tables = section(4, [2, 0x70, 0, 1, 0x70, 0, 1]);
  return Buffer.from([0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0, ...types, ...tables]);
}

const made = [];
if (typeof afterAll === 'function') {
  afterAll(() => { for (const d of made.splice(0)) fs.rmSync(d, { recursive: true, force: true }); });
}

/** Temp copy of the fixture with wasm/plain.wasm, wasm/plain.wasm.br and wasm/global.wasm. */
function makeFixture() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wecom-rt-'));
  made.push(dir);
  fs.cpSync(FIXTURE, dir, { recursive: true });
  fs.mkdirSync(path.join(dir, 'wasm'), { recursive: true });
  const plain = wasmModule();
  fs.writeFileSync(path.join(dir, 'wasm/plain.wasm'), plain);
  fs.writeFileSync(path.join(dir, 'wasm/plain.wasm.br'), zlib.brotliCompressSync(plain));
  fs.writeFileSync(path.join(dir, 'wasm/global.wasm'), wasmModule({ exportGlobal: true }));
  fs.writeFileSync(path.join(dir, 'wasm/postmvp.wasm'), wasmPostMvp());
  fs.writeFileSync(path.join(dir, 'wasm/notes.txt'), 'not wasm');
  return dir;
}

/** Call a wx API from "inside" (the function as the app sees it) and settle; returns callbacks seen. */
async function call(rt, api, args = {}) {
  const out = { calls: [] };
  const fn = api.split('.').reduce((o, k) => (o == null ? o : o[k]), rt.context.wx);
  if (typeof fn !== 'function') throw new Error(`wx.${api} is not a function`);
  const ret = fn(Object.assign({}, args, {
    success: (r) => { out.ok = r; out.calls.push('success'); },
    fail: (r) => { out.fail = r; out.calls.push('fail'); },
    complete: (r) => { out.complete = r; out.calls.push('complete'); },
  }));
  out.syncCalls = out.calls.length;
  await rt.settle();
  out.ret = ret;
  out.errMsg = (out.ok || out.fail || {}).errMsg;
  return out;
}

const run = (rt, code) => vm.runInContext(code, rt.context);

/**
 * One temp copy of the fixture per test file, and runtimes on it that are
 * disposed after each test. `mk(scenario, device)` creates one; `track(rt)`
 * adds one made another way (e.g. by `rt.kill()`); `dir()` is the copy.
 */
function fixtureRuntimes() {
  const { createRuntime } = require('../../tools/runtime');
  let dir = null;
  const rts = [];
  beforeAll(() => { dir = makeFixture(); });
  afterEach(() => { while (rts.length) rts.pop().dispose(); });
  const track = (rt) => {
    rts.push(rt);
    return rt;
  };
  const mk = (scenario, device) => track(createRuntime({ packageDir: dir, scenario, device, forwardConsole: false }));
  return { mk, track, dir: () => dir };
}

module.exports = {
  fixtureRuntimes, FIXTURE, makeFixture, wasmModule, wasmPostMvp, call, run };
