'use strict';
// Logic layer: the vm context the mini program's JS runs in, with the restrictions of a real
// WeCom/WeChat client (facts §1): no WebAssembly/TextEncoder/TextDecoder/fetch/document/window/
// process, no eval / new Function (except `new Function('return this')`), CommonJS require over
// the package only (plus `require.async`, base library >= 2.11.2: 分包异步化), timers and Date on a
// virtual clock, WXWebAssembly by package path (.wasm.br from base library 2.14.0).
// Subpackages (app.json) are isolated as on real clients: a plain require of a file inside a
// subpackage root, from code outside that root, throws until the subpackage is loaded (one of its
// pages opened, or require.async resolved a module of it). Code inside a subpackage may require
// its own files and main-package files.

const fs = require('fs');
const path = require('path');
const vm = require('vm');
const zlib = require('zlib');
const util = require('util');
const { copyForLog, versionAtLeast } = require('./util');
const { wasmFeatureProblems } = require('./wasmcheck');

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

// require.async (分包异步化) needs base library 2.11.2 and a client that supports it
// (mp:framework/subpackages/async): WeCom Android 3.1.23, WeCom iOS 4.0.8, WeChat Android 7.0.13,
// WeChat iOS 7.0.12. Other platforms: base library only.
const REQUIRE_ASYNC_MIN_SDK = '2.11.2';
const REQUIRE_ASYNC_MIN_CLIENT = {
  wecom: { android: '3.1.23', ios: '4.0.8' },
  wechat: { android: '7.0.13', ios: '7.0.12' },
};

// WXWebAssembly needs base library 2.13.0; .wasm.br files 2.14.0 (mp:framework/performance/wasm).
const WXWEBASSEMBLY_MIN_SDK = '2.13.0';
const WASM_BR_MIN_SDK = '2.14.0';

/** Whether this scenario's client has require.async. */
function hasRequireAsync(s) {
  if (!versionAtLeast(s.sdkVersion, REQUIRE_ASYNC_MIN_SDK)) return false;
  const min = (REQUIRE_ASYNC_MIN_CLIENT[s.host] || {})[s.platform];
  if (!min) return true;
  return versionAtLeast(s.host === 'wecom' ? s.clientVersion : s.wechatVersion, min);
}

class LogicLayer {
  /**
   * @param {object} rt internal runtime state: packageDir, sched, log, reportError(type, err),
   *   scenario, globals (object of extra globals: wx, App, Page, ...), forwardConsole, track(promise)
   */
  constructor(rt) {
    this.rt = rt;
    this.modules = new Map();
    this.loadedSubpackages = new Set(); // roots whose code the client has (page opened, require.async)
    this.roots = null; // app.json subpackage roots, read on first use
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

    const levels = ['log', 'info', 'warn', 'error', 'debug'];
    const consoleObj = {};
    for (const level of levels) {
      consoleObj[level] = (...args) => {
        const text = util.format(...args);
        rt.log.console.push({ level, text, args: args.map((a) => copyForLog(a)), t: sched.now });
        if (rt.forwardConsole) {
          // eslint-disable-next-line no-console
          (console[level] || console.log)(`[logic] ${text}`);
        }
      };
    }
    consoleObj.group = consoleObj.log;
    consoleObj.groupEnd = () => {};
    consoleObj.trace = consoleObj.debug;
    consoleObj.table = consoleObj.log;
    consoleObj.time = () => {};
    consoleObj.timeEnd = () => {};
    consoleObj.assert = (cond, ...args) => { if (!cond) consoleObj.error('Assertion failed:', ...args); };

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
      const entry = { path: typeof pathArg === 'string' ? pathArg : `[${Object.prototype.toString.call(pathArg)}]`, t: rt.sched.now, ok: false };
      rt.log.wasm.push(entry);
      const fail = (msg) => {
        entry.error = msg;
        return layer.Promise.reject(layer.ctxError(msg));
      };
      if (typeof pathArg !== 'string') {
        return fail(`WXWebAssembly.instantiate: first argument must be a string path to a .wasm or .wasm.br file in the code package (got ${typeof pathArg === 'object' ? Object.prototype.toString.call(pathArg) : typeof pathArg})`);
      }
      if (/^[a-z][a-z0-9+.-]*:/i.test(pathArg)) {
        return fail(`WXWebAssembly.instantiate: URLs are not supported, only package paths (got "${pathArg}")`);
      }
      if (!/\.wasm(\.br)?$/.test(pathArg)) {
        return fail(`WXWebAssembly.instantiate: path must end in .wasm or .wasm.br (got "${pathArg}")`);
      }
      const rel = path.posix.normalize(pathArg.replace(/^\/+/, ''));
      if (rel.startsWith('..') || path.isAbsolute(rel)) {
        return fail(`WXWebAssembly.instantiate: path escapes the code package ("${pathArg}")`);
      }
      const file = path.join(rt.packageDir, rel);
      if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
        return fail(`WXWebAssembly.instantiate: file not found in the code package: "${pathArg}"`);
      }
      if (rel.endsWith('.br') && !versionAtLeast(rt.scenario.sdkVersion, WASM_BR_MIN_SDK)) {
        return fail(`WXWebAssembly.instantiate: .wasm.br needs base library ${WASM_BR_MIN_SDK} or later (this client has ${rt.scenario.sdkVersion}): "${pathArg}"`);
      }
      if (flavour === 'broken') {
        return fail(`WXWebAssembly.instantiate: instantiate failed for "${pathArg}" (broken client)`);
      }
      let bytes = fs.readFileSync(file);
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
      const work = (async () => {
        const module = await WebAssembly.compile(bytes);
        if (flavour === 'ios') {
          const globals = WebAssembly.Module.exports(module).filter((e) => e.kind === 'global');
          if (globals.length) {
            throw new Error(`WXWebAssembly.instantiate: iOS does not support exported Global "${globals[0].name}"` +
              (globals.length > 1 ? ` (and ${globals.length - 1} more: ${globals.slice(1).map((g) => g.name).join(', ')})` : ''));
          }
        }
        const instance = await WebAssembly.instantiate(module, imports || {});
        return { instance, module };
      })();
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
          reject(layer.ctxError(e.message.startsWith('WXWebAssembly') ? e.message : `WXWebAssembly.instantiate: ${e.message}`));
        });
      });
    };
    return {
      instantiate,
      Memory: WebAssembly.Memory,
      Table: WebAssembly.Table,
      Global: WebAssembly.Global,
      RuntimeError: WebAssembly.RuntimeError,
    };
  }

  // ---------------------------------------------------------------- CommonJS
  /** Resolve a require() argument to a package-relative path (posix), or null. */
  resolve(request, fromRel) {
    if (typeof request !== 'string' || request === '') return null;
    const fromDir = path.posix.dirname(fromRel || 'app.js');
    const bases = [];
    if (request.startsWith('/')) bases.push(request.slice(1));
    else if (request.startsWith('./') || request.startsWith('../')) bases.push(path.posix.join(fromDir, request));
    else {
      bases.push(path.posix.join(fromDir, request)); // the client resolves bare paths relative too
      bases.push(path.posix.join('miniprogram_npm', request));
    }
    for (const b of bases) {
      const base = path.posix.normalize(b);
      if (base.startsWith('..')) continue;
      for (const cand of [base, `${base}.js`, `${base}.json`, `${base}/index.js`]) {
        const abs = path.join(this.rt.packageDir, cand);
        if (fs.existsSync(abs) && fs.statSync(abs).isFile()) return cand;
      }
    }
    return null;
  }

  makeRequire(fromRel) {
    const req = (request) => {
      const rel = this.resolve(request, fromRel);
      if (!rel) {
        throw this.ctxError(`module "${request}" is not defined, require args is '${request}' (from ${fromRel})`);
      }
      const root = this.subpackageOf(rel);
      if (root && root !== this.subpackageOf(fromRel) && !this.loadedSubpackages.has(root)) {
        throw this.ctxError(`module "${rel}" is not defined, require args is '${request}' (from ${fromRel}; ` +
          `it is in subpackage "${root}", which this client has not loaded: use require.async, or open one of its pages)`);
      }
      return this.load(rel).exports;
    };
    if (hasRequireAsync(this.rt.scenario)) {
      req.async = (request) => this.requireAsync(request, fromRel);
    }
    return req;
  }

  /**
   * require.async(path): a Promise (of the app's realm) of the module's exports. The path is
   * resolved as require resolves it; the module is loaded in a later (virtual, 0 ms) timer, the
   * way the client first downloads the subpackage. Logged in rt.log.requireAsync.
   */
  requireAsync(request, fromRel) {
    const rt = this.rt;
    const entry = { request: typeof request === 'string' ? request : String(request), from: fromRel, t: rt.sched.now, ok: false };
    rt.log.requireAsync.push(entry);
    return new this.Promise((resolve, reject) => {
      rt.sched.add(() => {
        const rel = this.resolve(request, fromRel);
        if (!rel) {
          entry.error = `module "${request}" is not defined, require.async args is '${request}' (from ${fromRel})`;
          reject(this.ctxError(entry.error));
          return;
        }
        entry.path = rel;
        entry.subpackage = this.subpackageOf(rel);
        let exports;
        try {
          exports = this.load(rel).exports;
        } catch (e) {
          entry.error = e && e.message ? e.message : String(e);
          reject(e);
          return;
        }
        entry.ok = true;
        if (entry.subpackage) this.loadedSubpackages.add(entry.subpackage);
        resolve(exports);
      }, 0, { internal: true, label: `require.async(${entry.request})` });
    });
  }

  /** The root of the app.json subpackage holding a package-relative path, or null (main package). */
  subpackageOf(rel) {
    if (!this.roots) {
      const { subpackageRoots } = require('./packages');
      try {
        this.roots = subpackageRoots(this.rt.packageDir);
      } catch (e) {
        this.roots = []; // no or bad app.json: everything is the main package
      }
    }
    for (const root of this.roots) {
      if (rel === root || rel.startsWith(`${root}/`)) return root;
    }
    return null;
  }

  /** The client now has the code of the subpackage holding `rel` (a page of it was opened). */
  markLoaded(rel) {
    const root = this.subpackageOf(rel);
    if (root) this.loadedSubpackages.add(root);
    return root;
  }

  /** Load (once) a package-relative module file. */
  load(rel) {
    const cached = this.modules.get(rel);
    if (cached) return cached;
    const abs = path.join(this.rt.packageDir, rel);
    const src = fs.readFileSync(abs, 'utf8');
    const Obj = vm.runInContext('Object', this.ctx);
    const module = new Obj();
    module.exports = new Obj();
    module.id = rel;
    this.modules.set(rel, module);
    try {
      if (rel.endsWith('.json')) {
        module.exports = this.JSON.parse(src);
      } else {
        const script = new vm.Script(WRAP_HEAD + src + WRAP_TAIL, { filename: rel });
        const fn = script.runInContext(this.ctx);
        const before = this.rt.currentFile;
        this.rt.currentFile = rel;
        try {
          fn.call(module.exports, module.exports, this.makeRequire(rel), module, rel, path.posix.dirname(rel));
        } finally {
          this.rt.currentFile = before;
        }
      }
    } catch (e) {
      this.modules.delete(rel);
      throw e;
    }
    return module;
  }

  /** require() from the package root (host-side entry). */
  require(request) {
    return this.makeRequire('app.js')(request);
  }
}

module.exports = { LogicLayer, hasRequireAsync, WXWEBASSEMBLY_MIN_SDK, WASM_BR_MIN_SDK };
