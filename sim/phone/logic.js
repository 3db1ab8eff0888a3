'use strict';
// The logic layer in the browser: CommonJS over the bundled module map (sim:package), the
// mini program's globals, require.async (分包异步化) and WXWebAssembly, for one launch.
// Modelled on tests/runtime/lib/logic.js (which needs Node's vm, fs and zlib).

const pkg = require('sim:package');
const paths = require('./paths');
const { versionAtLeast } = require('../../tests/runtime/lib/util');

// require.async needs base library 2.11.2 and a client that has it (as tests/runtime/lib/logic.js).
const REQUIRE_ASYNC_MIN_SDK = '2.11.2';
const REQUIRE_ASYNC_MIN_CLIENT = {
  wecom: { android: '3.1.23', ios: '4.0.8' },
  wechat: { android: '7.0.13', ios: '7.0.12' },
};
function hasRequireAsync(s) {
  if (!versionAtLeast(s.sdkVersion, REQUIRE_ASYNC_MIN_SDK)) return false;
  const min = (REQUIRE_ASYNC_MIN_CLIENT[s.host] || {})[s.platform];
  if (!min) return true;
  return versionAtLeast(s.host === 'wecom' ? s.clientVersion : s.wechatVersion, min);
}

/** WXWebAssembly exists from base library 2.13.0 (facts §1). */
const hasWXWebAssembly = (s) => versionAtLeast(s.sdkVersion, '2.13.0');

/** How long a subpackage "download" takes for require.async, in ms. */
const SUBPACKAGE_DOWNLOAD_MS = 120;

class LogicLayer {
  constructor(rt) {
    this.rt = rt;
    this.modules = new Map();
    this.files = pkg.files;
    this.sources = pkg.modules;
    this.binaries = new Set(pkg.binaries);
    this.globals = null;
  }

  /** Values for sim:package's GLOBALS, in order. */
  setGlobals(values) {
    this.globals = pkg.GLOBALS.map((name) => values[name]);
  }

  exists(rel) {
    return Object.prototype.hasOwnProperty.call(this.sources, rel) || Object.prototype.hasOwnProperty.call(this.files, rel);
  }

  readFile(rel) {
    return Object.prototype.hasOwnProperty.call(this.files, rel) ? this.files[rel] : null;
  }

  readJson(rel) {
    const text = this.readFile(rel);
    if (text === null) return null;
    try {
      return JSON.parse(text);
    } catch (e) {
      throw new Error(`WeCom simulator: invalid JSON in ${rel}: ${e.message}`);
    }
  }

  resolve(request, fromRel) {
    if (typeof request !== 'string' || request === '') return null;
    const fromDir = paths.dirname(fromRel || 'app.js');
    const bases = [];
    if (request.startsWith('/')) bases.push(request.slice(1));
    else if (request.startsWith('./') || request.startsWith('../')) bases.push(paths.join(fromDir, request));
    else {
      bases.push(paths.join(fromDir, request));
      bases.push(paths.join('miniprogram_npm', request));
    }
    for (const b of bases) {
      const base = paths.normalize(b);
      if (base.startsWith('..')) continue;
      for (const cand of [base, `${base}.js`, `${base}.json`, `${base}/index.js`]) {
        if (this.exists(cand)) return cand;
      }
    }
    return null;
  }

  makeRequire(fromRel) {
    const req = (request) => {
      const rel = this.resolve(request, fromRel);
      if (!rel) throw new Error(`module "${request}" is not defined, require args is '${request}' (from ${fromRel})`);
      return this.load(rel).exports;
    };
    if (hasRequireAsync(this.rt.scenario)) req.async = (request) => this.requireAsync(request, fromRel);
    return req;
  }

  subpackageOf(rel) {
    const app = this.readJson('app.json') || {};
    for (const sp of app.subpackages || app.subPackages || []) {
      if (rel === sp.root || rel.startsWith(`${sp.root}/`)) return sp.root;
    }
    return null;
  }

  requireAsync(request, fromRel) {
    const rt = this.rt;
    const entry = { request: String(request), from: fromRel, t: rt.sched.now, ok: false };
    rt.log.requireAsync.push(entry);
    return new Promise((resolve, reject) => {
      const rel = this.resolve(request, fromRel);
      const sub = rel ? this.subpackageOf(rel) : null;
      rt.sched.add(() => {
        if (!rel) {
          entry.error = `module "${request}" is not defined, require.async args is '${request}' (from ${fromRel})`;
          reject(new Error(entry.error));
          return;
        }
        entry.path = rel;
        entry.subpackage = sub;
        try {
          const exports = this.load(rel).exports;
          entry.ok = true;
          entry.done = rt.sched.now;
          rt.notify();
          resolve(exports);
        } catch (e) {
          entry.error = e && e.message ? e.message : String(e);
          reject(e);
        }
      }, sub ? SUBPACKAGE_DOWNLOAD_MS : 0, { internal: true, label: 'require.async' });
    });
  }

  load(rel) {
    const cached = this.modules.get(rel);
    if (cached) return cached;
    const module = { exports: {}, id: rel };
    this.modules.set(rel, module);
    try {
      if (rel.endsWith('.json')) {
        module.exports = JSON.parse(this.files[rel]);
      } else {
        const factory = this.sources[rel];
        if (!factory) throw new Error(`module "${rel}" is not defined`);
        const fn = factory(...this.globals);
        const before = this.rt.currentFile;
        this.rt.currentFile = rel;
        try {
          fn.call(module.exports, this.makeRequire(rel), module, module.exports, rel, paths.dirname(rel));
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

  require(request) {
    return this.makeRequire('app.js')(request);
  }

  /**
   * WXWebAssembly: instantiate(path, imports) takes only a package path to a .wasm or .wasm.br
   * file. The bytes come from the simulator's server (GET /pkg/<path>), which decompresses .br
   * (the browser's DecompressionStream has no brotli), so the phone gets plain wasm bytes.
   */
  makeWXWebAssembly() {
    const rt = this.rt;
    const layer = this;
    const WA = WebAssembly;
    const instantiate = function instantiate(pathArg, imports) {
      const entry = { path: typeof pathArg === 'string' ? pathArg : `[${Object.prototype.toString.call(pathArg)}]`, t: rt.sched.now, ok: false };
      rt.log.wasm.push(entry);
      const fail = (msg) => {
        entry.error = msg;
        rt.notify();
        return Promise.reject(new Error(msg));
      };
      if (typeof pathArg !== 'string') {
        return fail('WXWebAssembly.instantiate: first argument must be a string path to a .wasm or .wasm.br file in the code package');
      }
      if (/^[a-z][a-z0-9+.-]*:/i.test(pathArg)) return fail(`WXWebAssembly.instantiate: URLs are not supported, only package paths (got "${pathArg}")`);
      if (!/\.wasm(\.br)?$/.test(pathArg)) return fail(`WXWebAssembly.instantiate: path must end in .wasm or .wasm.br (got "${pathArg}")`);
      const rel = paths.normalize(pathArg.replace(/^\/+/, ''));
      if (rel.startsWith('..')) return fail(`WXWebAssembly.instantiate: path escapes the code package ("${pathArg}")`);
      if (!layer.binaries.has(rel)) return fail(`WXWebAssembly.instantiate: file not found in the code package: "${pathArg}"`);
      const s = rt.scenario;
      if (rel.endsWith('.br') && !versionAtLeast(s.sdkVersion, '2.14.0')) {
        return fail(`WXWebAssembly.instantiate: .wasm.br needs base library 2.14.0 or later (this client: ${s.sdkVersion})`);
      }
      const work = (async () => {
        const res = await fetch(`/pkg/${rel}`);
        if (!res.ok) throw new Error(`file not found in the code package: "${pathArg}"`);
        const bytes = await res.arrayBuffer();
        entry.bytes = bytes.byteLength;
        const module = await WA.compile(bytes);
        if (s.platform === 'ios') {
          const globals = WA.Module.exports(module).filter((e) => e.kind === 'global');
          if (globals.length) throw new Error(`iOS does not support exported Global "${globals[0].name}"`);
        }
        const instance = await WA.instantiate(module, imports || {});
        return { instance, module };
      })();
      return work.then((out) => {
        entry.ok = true;
        entry.done = rt.sched.now;
        rt.log.wasmInstantiations += 1;
        rt.notify();
        return out;
      }, (e) => {
        const msg = e.message.startsWith('WXWebAssembly') ? e.message : `WXWebAssembly.instantiate: ${e.message}`;
        entry.error = msg;
        rt.notify();
        throw new Error(msg);
      });
    };
    return { instantiate, Memory: WA.Memory, Table: WA.Table, Global: WA.Global, RuntimeError: WA.RuntimeError };
  }
}

module.exports = { LogicLayer, hasRequireAsync, hasWXWebAssembly };
