'use strict';
// Logic layer: the vm context the mini program's JS runs in, with the restrictions of a real
// WeCom/WeChat client (facts §1): no WebAssembly/TextEncoder/TextDecoder/fetch/document/window/
// process, no eval / new Function (except `new Function('return this')`), CommonJS require over
// the package only (plus `require.async`, base library >= 2.11.2: 分包异步化), timers and Date on a
// virtual clock, WXWebAssembly by package path (.wasm.br from base library 2.14.0).
// The module system (resolution, subpackage isolation, require.async) is lib/modules.js, shared
// with the browser simulator; this file gives it the package's files (fs) and runs them (vm).

const fs = require('fs');
const path = require('path');
const vm = require('vm');
const zlib = require('zlib');
const util = require('util');
const { copyForLog } = require('./util');
const { wasmFeatureProblems } = require('./wasmcheck');
const { ModuleLoader } = require('./modules');
const { makeConsole } = require('./host');
const { hasRequireAsync, WXWEBASSEMBLY_MIN_SDK, WASM_BR_MIN_SDK } = require('./features');
const {
  describePathArg, checkWasmPath, compileAndInstantiate, instantiateError, wxWebAssembly,
} = require('./wxwasm');

// Names the real client shadows as undefined parameters of every module wrapper.
const SHADOWED = ['window', 'document', 'frames', 'self', 'location', 'navigator', 'localStorage', 'history',
  'Caches', 'screen', 'alert', 'confirm', 'prompt', 'XMLHttpRequest', 'WebSocket', 'Reporter', 'webkit', 'WeixinJSCore'];
const WRAP_HEAD = `(function (exports, require, module, __filename, __dirname, ${SHADOWED.join(', ')}) {`;
const WRAP_TAIL = '\n})';

// Script run once in each new context (compiled host side, so it is not blocked by the
// codeGeneration flags): virtual-clock Date and the restricted Function constructor.
const BOOT = `(function (getNow) {
  'use strict';
  const g = globalThis;
  const RealDate = Date;
  function VDate(...args) {
    if (!new.target) return new RealDate(getNow()).toString();
    return args.length === 0 ? new RealDate(getNow()) : new RealDate(...args);
  }
  Object.defineProperty(VDate, 'prototype', { value: RealDate.prototype, writable: false });
  VDate.now = function now() { return getNow(); };
  VDate.parse = RealDate.parse;
  VDate.UTC = RealDate.UTC;
  Object.defineProperty(RealDate.prototype, 'constructor', { value: VDate, writable: true, configurable: true });
  Object.defineProperty(g, 'Date', { value: VDate, writable: true, configurable: true, enumerable: false });

  const RealFunction = g.Function;
  const SafeFunction = function Function(...args) {
    if (args.length === 1 && args[0] === 'return this') return function () { return g; };
    throw new EvalError('Code generation from strings disallowed for this context');
  };
  Object.defineProperty(SafeFunction, 'prototype', { value: RealFunction.prototype, writable: false });
  Object.defineProperty(RealFunction.prototype, 'constructor', { value: SafeFunction, writable: true, configurable: true });
  Object.defineProperty(g, 'Function', { value: SafeFunction, writable: true, configurable: true, enumerable: false });
  delete g.WebAssembly;
})`;

// iOS <= 15 clients replace Promise with a setTimeout-based polyfill (facts §1): then-callbacks
// run as (virtual) timers, not microtasks. async functions still use the engine's promises.
const PROMISE_POLYFILL = `(function (schedule, reportUnhandled) {
  'use strict';
  const PENDING = 0, FULFILLED = 1, REJECTED = 2;
  function Promise(executor) {
    if (!new.target) throw new TypeError("Promise constructor cannot be invoked without 'new'");
    if (typeof executor !== 'function') throw new TypeError('Promise resolver is not a function');
    this._s = PENDING; this._v = undefined; this._h = []; this._handled = false;
    let done = false;
    const res = (v) => { if (!done) { done = true; resolveWith(this, v); } };
    const rej = (r) => { if (!done) { done = true; settle(this, REJECTED, r); } };
    try { executor(res, rej); } catch (e) { rej(e); }
  }
  function resolveWith(p, x) {
    if (x === p) return settle(p, REJECTED, new TypeError('Chaining cycle detected for promise'));
    if (x !== null && (typeof x === 'object' || typeof x === 'function')) {
      let then;
      try { then = x.then; } catch (e) { return settle(p, REJECTED, e); }
      if (typeof then === 'function') {
        let called = false;
        try {
          then.call(x, (y) => { if (!called) { called = true; resolveWith(p, y); } },
            (r) => { if (!called) { called = true; settle(p, REJECTED, r); } });
        } catch (e) { if (!called) { called = true; settle(p, REJECTED, e); } }
        return undefined;
      }
    }
    return settle(p, FULFILLED, x);
  }
  function settle(p, state, v) {
    if (p._s !== PENDING) return;
    p._s = state; p._v = v;
    const hs = p._h; p._h = [];
    hs.forEach((h) => react(p, h));
    if (state === REJECTED) schedule(() => { if (!p._handled) reportUnhandled(v); });
  }
  function react(p, h) {
    schedule(() => {
      const cb = p._s === FULFILLED ? h.f : h.r;
      if (typeof cb !== 'function') { (p._s === FULFILLED ? h.res : h.rej)(p._v); return; }
      let out;
      try { out = cb(p._v); } catch (e) { h.rej(e); return; }
      h.res(out);
    });
  }
  Promise.prototype.then = function then(f, r) {
    let res; let rej;
    const next = new Promise((a, b) => { res = a; rej = b; });
    this._handled = true;
    const h = { f, r, res, rej };
    if (this._s === PENDING) this._h.push(h); else react(this, h);
    return next;
  };
  Promise.prototype.catch = function (r) { return this.then(undefined, r); };
  Promise.prototype.finally = function (fn) {
    return this.then((v) => Promise.resolve(fn()).then(() => v), (e) => Promise.resolve(fn()).then(() => { throw e; }));
  };
  Promise.resolve = (v) => (v instanceof Promise ? v : new Promise((a) => a(v)));
  Promise.reject = (r) => new Promise((a, b) => b(r));
  Promise.all = (items) => new Promise((a, b) => {
    const list = Array.from(items); const out = new Array(list.length); let left = list.length;
    if (!left) a(out);
    list.forEach((it, i) => Promise.resolve(it).then((v) => { out[i] = v; if (--left === 0) a(out); }, b));
  });
  Promise.race = (items) => new Promise((a, b) => { Array.from(items).forEach((it) => Promise.resolve(it).then(a, b)); });
  Promise.allSettled = (items) => Promise.all(Array.from(items).map((it) => Promise.resolve(it).then(
    (value) => ({ status: 'fulfilled', value }), (reason) => ({ status: 'rejected', reason }))));
  Promise.any = (items) => new Promise((a, b) => {
    const list = Array.from(items); const errs = []; let left = list.length;
    if (!left) b(new AggregateError([], 'All promises were rejected'));
    list.forEach((it, i) => Promise.resolve(it).then(a, (e) => { errs[i] = e; if (--left === 0) b(new AggregateError(errs, 'All promises were rejected')); }));
  });
  Object.defineProperty(globalThis, 'Promise', { value: Promise, writable: true, configurable: true, enumerable: false });
})`;

class LogicLayer extends ModuleLoader {
  /**
   * @param {object} rt internal runtime state: packageDir, sched, log, reportError(type, err),
   *   scenario, globals (object of extra globals: wx, App, Page, ...), forwardConsole, track(promise)
   */
  constructor(rt) {
    super(rt);
    this.ctx = vm.createContext({}, {
      name: 'wecom-logic-layer',
      codeGeneration: { strings: false, wasm: false },
    });
    const boot = new vm.Script(BOOT, { filename: 'wecom-runtime/boot.js' }).runInContext(this.ctx);
    boot(() => rt.sched.now);
    this.NativePromise = vm.runInContext('Promise', this.ctx);
    if (rt.scenario.promisePolyfill) {
      new vm.Script(PROMISE_POLYFILL, { filename: 'wecom-runtime/promise-polyfill.js' }).runInContext(this.ctx)(
        (fn) => rt.sched.add(fn, 0, { internal: true, label: 'Promise polyfill' }),
        (reason) => rt.reportError('unhandledrejection', reason),
      );
    }
    this.Promise = vm.runInContext('Promise', this.ctx); // what the app sees (the polyfill if enabled)
    this.Error = vm.runInContext('Error', this.ctx);
    this.JSON = vm.runInContext('JSON', this.ctx);
    this.Object = vm.runInContext('Object', this.ctx);
    this.Array = vm.runInContext('Array', this.ctx);
    this.installGlobals();
  }

  /** JSON round trip into the context realm (undefined stays undefined). */
  toCtx(value) {
    if (value === undefined) return undefined;
    const s = JSON.stringify(value);
    return s === undefined ? undefined : this.JSON.parse(s);
  }

  /** An Error of the context realm, with errMsg when given. */
  ctxError(message, extra) {
    const e = new this.Error(message);
    if (extra) Object.assign(e, extra);
    return e;
  }

  installGlobals() {
    const rt = this.rt;
    const ctx = this.ctx;
    const sched = rt.sched;

    const timer = (repeat) => function (fn, ms, ...args) {
      if (typeof fn !== 'function') {
        throw new (vm.runInContext('TypeError', ctx))('The callback provided as parameter 1 is not a function.');
      }
      return sched.add(() => {
        try {
          fn(...args);
        } catch (e) {
          rt.reportError(repeat ? 'setInterval' : 'setTimeout', e);
        }
      }, ms, { repeat });
    };
    const clear = (id) => { if (id !== undefined && id !== null) sched.clear(id); };

    const consoleObj = makeConsole((level, args) => {
      const text = util.format(...args);
      rt.log.console.push({ level, text, args: args.map((a) => copyForLog(a)), t: sched.now });
      if (rt.forwardConsole) {
        // eslint-disable-next-line no-console
        (console[level] || console.log)(`[logic] ${text}`);
      }
    });

    const globals = {
      console: consoleObj,
      setTimeout: timer(false),
      setInterval: timer(true),
      clearTimeout: clear,
      clearInterval: clear,
      ...rt.globals,
    };
    if (rt.wasmAvailable) globals.WXWebAssembly = this.makeWXWebAssembly();
    for (const [k, v] of Object.entries(globals)) {
      Object.defineProperty(ctx, k, { value: v, writable: true, configurable: true, enumerable: false });
    }
  }

  // ---------------------------------------------------------------- WXWebAssembly
  makeWXWebAssembly() {
    const rt = this.rt;
    const layer = this;
    const flavour = rt.scenario.flavour;
    const instantiate = function instantiate(pathArg, imports) {
      const entry = { path: describePathArg(pathArg), t: rt.sched.now, ok: false };
      rt.log.wasm.push(entry);
      const fail = (msg) => {
        entry.error = msg;
        return layer.Promise.reject(layer.ctxError(msg));
      };
      const checked = checkWasmPath(pathArg, rt.scenario, (r) => layer.isFile(r));
      if (checked.error) return fail(checked.error);
      const rel = checked.rel;
      if (flavour === 'broken') {
        return fail(`WXWebAssembly.instantiate: instantiate failed for "${pathArg}" (broken client)`);
      }
      let bytes = fs.readFileSync(layer.abs(rel));
      if (rel.endsWith('.br')) {
        try {
          bytes = zlib.brotliDecompressSync(bytes);
        } catch (e) {
          return fail(`WXWebAssembly.instantiate: cannot decompress "${pathArg}": ${e.message}`);
        }
      }
      entry.bytes = bytes.length;
      if (rt.scenario.wasmFeatures === 'mvp') {
        let problems;
        try {
          problems = wasmFeatureProblems(bytes);
        } catch (e) {
          problems = [`unreadable module (${e.message})`];
        }
        if (problems.length) {
          return fail(`WXWebAssembly.instantiate: this engine supports only MVP WebAssembly; "${pathArg}" uses ${problems.join('; ')}`);
        }
      }
      const work = compileAndInstantiate(WebAssembly, bytes, imports, flavour === 'ios');
      rt.track(work);
      return new layer.Promise((resolve, reject) => {
        work.then((res) => {
          entry.ok = true;
          rt.log.wasmInstantiations++;
          const out = new (vm.runInContext('Object', layer.ctx))();
          out.instance = res.instance;
          out.module = res.module;
          resolve(out);
        }, (e) => {
          entry.error = e.message;
          reject(layer.ctxError(instantiateError(e)));
        });
      });
    };
    return wxWebAssembly(instantiate, WebAssembly);
  }

  // ---------------------------------------------------------------- CommonJS (lib/modules.js)
  abs(rel) {
    return path.join(this.rt.packageDir, rel);
  }

  exists(rel) {
    return fs.existsSync(this.abs(rel));
  }

  isFile(rel) {
    const abs = this.abs(rel);
    return fs.existsSync(abs) && fs.statSync(abs).isFile();
  }

  subpackageRoots() {
    const { subpackageRoots } = require('./packages');
    return subpackageRoots(this.rt.packageDir);
  }

  newModule(rel) {
    const Obj = vm.runInContext('Object', this.ctx);
    const module = new Obj();
    module.exports = new Obj();
    module.id = rel;
    return module;
  }

  parseJsonModule(rel) {
    return this.JSON.parse(fs.readFileSync(this.abs(rel), 'utf8'));
  }

  /** The module's code, wrapped as the client wraps it, compiled in the context. */
  compile(rel) {
    const src = fs.readFileSync(this.abs(rel), 'utf8');
    const script = new vm.Script(WRAP_HEAD + src + WRAP_TAIL, { filename: rel });
    const fn = script.runInContext(this.ctx);
    return (module, req) => fn.call(module.exports, module.exports, req, module, rel, path.posix.dirname(rel));
  }
}

module.exports = { LogicLayer, hasRequireAsync, WXWEBASSEMBLY_MIN_SDK, WASM_BR_MIN_SDK };
