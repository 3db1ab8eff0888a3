'use strict';
// Logic-layer sandbox: globals, eval rules, require, virtual clock, error capture.
const vm = require('vm');
const { createRuntime, START_TIME } = require('../../tools/runtime');
const { fixtureRuntimes, run } = require('./helpers');

const { mk, track, dir } = fixtureRuntimes();

describe('globals', () => {
  test('no WebAssembly, codecs, fetch, DOM, process or Node require in scope', () => {
    const rt = mk();
    for (const name of ['WebAssembly', 'TextEncoder', 'TextDecoder', 'fetch', 'document', 'window', 'process', 'require', 'Buffer', 'global', 'queueMicrotask', 'structuredClone']) {
      expect([name, run(rt, `typeof ${name}`)]).toEqual([name, 'undefined']);
    }
    expect(run(rt, 'Object.getOwnPropertyNames(globalThis).includes("WebAssembly")')).toBe(false);
    // inside a module: the wrapper shadows window/document as undefined; require is the package one
    const util = rt.require('utils/util');
    expect(util.scope).toEqual({ window: 'undefined', document: 'undefined', process: 'undefined', WebAssembly: 'undefined', TextDecoder: 'undefined', fetch: 'undefined' });
  });

  test('mini-program globals are present', () => {
    const rt = mk();
    for (const name of ['App', 'Page', 'Component', 'Behavior', 'getApp', 'getCurrentPages', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval']) {
      expect([name, run(rt, `typeof ${name}`)]).toEqual([name, 'function']);
    }
    expect(run(rt, 'typeof wx')).toBe('object');
    expect(run(rt, 'typeof WXWebAssembly')).toBe('object');
    expect(run(rt, 'typeof console.log')).toBe('function');
    expect(run(rt, 'Promise')).toBe(run(rt, '(async () => {})().constructor'));
  });

  test('eval and new Function throw EvalError; exactly new Function("return this") works', () => {
    const rt = mk();
    const check = (code) => run(rt, `(() => { try { ${code}; return 'ok' } catch (e) { return e.name } })()`);
    expect(check('eval("1+1")')).toBe('EvalError');
    expect(check('new Function("return 1")')).toBe('EvalError');
    expect(check('new Function("a", "return a")')).toBe('EvalError');
    expect(check('Function("return 1")()')).toBe('EvalError');
    expect(check('(function () {}).constructor("return 1")')).toBe('EvalError');
    expect(check('Object.getPrototypeOf(async function () {}).constructor("return 1")')).toBe('EvalError');
    expect(check('setTimeout("1+1", 0)')).toBe('TypeError');
    expect(run(rt, 'new Function("return this")()')).toBe(run(rt, 'globalThis'));
    expect(run(rt, 'new Function("return this")() === globalThis')).toBe(true);
    expect(run(rt, '(function () {}) instanceof Function && (function () {}).constructor === Function')).toBe(true);
  });
});

describe('require', () => {
  test('relative paths, optional extension, .json, folder index.js, per-context cache', () => {
    const rt = mk();
    const util = rt.require('./utils/util');
    expect(util.greet('x')).toBe('Hello, x');
    expect(util.lib.name).toBe('lib-index');
    expect(rt.require('/utils/util.js')).toBe(util);
    expect(rt.require('config.json').greeting).toBe('Hello');
    // the cache is per context
    const other = mk();
    expect(other.require('utils/util')).not.toBe(util);
  });

  test('Node modules, missing files and paths outside the package fail', () => {
    const rt = mk();
    const err = (code) => run(rt, `(() => { try { ${code}; return 'ok' } catch (e) { return e.message } })()`);
    rt.require('utils/util'); // loads fine
    expect(() => rt.require('fs')).toThrow(/module "fs" is not defined/);
    expect(() => rt.require('./nope')).toThrow(/is not defined/);
    expect(() => rt.require('../../../../etc/passwd')).toThrow(/is not defined/);
    expect(err('require')).toMatch(/require is not defined/);
  });

  test('modules are compiled with their package path as filename', () => {
    const rt = mk();
    let stack = '';
    try {
      rt.require('utils/thrower').explode();
    } catch (e) {
      stack = e.stack;
    }
    expect(stack).toMatch(/utils\/thrower\.js:2/);
  });
});

describe('virtual clock', () => {
  test('Date starts at 2026-11-23T09:00:00+08:00 and follows the virtual clock', async () => {
    const rt = mk();
    expect(START_TIME).toBe(Date.parse('2026-11-23T01:00:00Z'));
    expect(run(rt, 'Date.now()')).toBe(START_TIME);
    expect(run(rt, 'new Date().getTime()')).toBe(START_TIME);
    expect(run(rt, 'new Date().getHours()')).toBe(9); // Asia/Shanghai
    expect(run(rt, 'new Date(0).getTime()')).toBe(0);
    expect(run(rt, 'typeof Date()')).toBe('string');
    expect(run(rt, 'new Date() instanceof Date')).toBe(true);
    await rt.advance(1500);
    expect(run(rt, 'Date.now()')).toBe(START_TIME + 1500);
  });

  test('timers only fire when the virtual clock reaches them', async () => {
    const rt = mk();
    run(rt, `
      globalThis.fired = [];
      setTimeout((a) => fired.push(['t1000', a, Date.now()]), 1000, 'arg');
      const id = setTimeout(() => fired.push('cancelled'), 500);
      clearTimeout(id);
      setTimeout(() => fired.push('t0'), 0);
      globalThis.iv = setInterval(() => { fired.push('iv'); if (fired.filter(x => x === 'iv').length === 3) clearInterval(iv); }, 300);
    `);
    await rt.settle();
    expect(run(rt, 'fired')).toEqual(['t0']);
    await rt.advance(999);
    expect(run(rt, 'JSON.stringify(fired)')).toBe(JSON.stringify(['t0', 'iv', 'iv', 'iv']));
    await rt.advance(1);
    expect(run(rt, 'fired[4]')).toEqual(['t1000', 'arg', START_TIME + 1000]);
    await rt.advance(5000);
    expect(run(rt, 'fired.length')).toBe(5);
  });

  test('settle is bounded', async () => {
    const rt = track(createRuntime({ packageDir: dir(), forwardConsole: false, maxSettleRounds: 200 }));
    run(rt, 'const again = () => setTimeout(again, 0); again();');
    await expect(rt.settle()).rejects.toThrow(/still busy after 200 rounds/);
  });
});

describe('errors and console', () => {
  test('throwing callbacks and unhandled rejections land in rt.errors; handled ones do not', async () => {
    const rt = mk();
    run(rt, `
      setTimeout(() => { throw new Error('timer boom') }, 0);
      Promise.reject(new Error('nobody catches me'));
      (async () => { throw new Error('async boom') })();
      const handledLater = Promise.reject(new Error('caught')); handledLater.catch(() => {});
      (async () => { try { await Promise.reject(new Error('awaited')) } catch (e) {} })();
      Promise.all([Promise.reject(new Error('in all'))]).catch(() => {});
    `);
    await rt.settle();
    const msgs = rt.errors.map((e) => `${e.type}: ${e.message}`).sort();
    expect(msgs).toEqual([
      'setTimeout: timer boom',
      'unhandledrejection: async boom',
      'unhandledrejection: nobody catches me',
    ]);
  });

  test('console is captured (and can be forwarded)', () => {
    const rt = mk();
    run(rt, 'console.log("hello", 1, {a: 2}); console.warn("careful")');
    expect(rt.log.console.map((c) => [c.level, c.text])).toEqual([['log', 'hello 1 { a: 2 }'], ['warn', 'careful']]);
  });
});

describe('iOS <= 15 Promise polyfill (scenario.promisePolyfill)', () => {
  test('then-callbacks run as timers after already-queued timers, not as microtasks', async () => {
    const native = mk();
    const poly = mk({ promisePolyfill: true });
    const code = `
      globalThis.seq = [];
      setTimeout(() => seq.push('timeout'), 0);
      Promise.resolve(1).then((v) => seq.push('then ' + v));
      Promise.all([Promise.resolve('a'), new Promise((r) => setTimeout(() => r('b'), 10))]).then((v) => seq.push(v.join('+')));
      seq.push('sync');
    `;
    run(native, code);
    run(poly, code);
    await native.advance(20);
    await poly.advance(20);
    expect(run(native, 'seq')).toEqual(['sync', 'then 1', 'timeout', 'a+b']);
    expect(run(poly, 'seq')).toEqual(['sync', 'timeout', 'then 1', 'a+b']);
    expect(run(poly, 'Promise === (async () => {})().constructor')).toBe(false);
    run(poly, 'Promise.reject(new Error("poly unhandled")); Promise.reject(new Error("poly handled")).catch(() => {})');
    await poly.settle();
    expect(poly.errors.map((e) => e.message)).toEqual(['poly unhandled']);
  });
});
