'use strict';
// The logic layer in the browser: the mini program's globals, CommonJS over the bundled module
// map (sim:package) and WXWebAssembly, for one launch. The module system (require resolution,
// subpackage isolation, require.async) is tools/runtime/lib/modules.js and the WXWebAssembly
// path rules tools/runtime/lib/wxwasm.js, shared with the headless runtime (whose logic.js
// runs the same code in a Node vm context, from files read with fs).

const pkg = require('sim:package');
const paths = require('../../tools/runtime/lib/paths');
const { parseJsonFile } = require('../../tools/runtime/lib/util');
const { ModuleLoader, subpackageRootsOf } = require('../../tools/runtime/lib/modules');
const { hasRequireAsync, hasWXWebAssembly } = require('../../tools/runtime/lib/features');
const {
  describePathArg, checkWasmPath, compileAndInstantiate, instantiateError, wxWebAssembly,
} = require('../../tools/runtime/lib/wxwasm');

/** The package's configuration module (its backendUrl is the simulator's /backend). */
const CONFIG_MODULE = 'config.js';

/** How long a subpackage "download" takes for require.async, in ms. */
const SUBPACKAGE_DOWNLOAD_MS = 120;

class LogicLayer extends ModuleLoader {
  constructor(rt) {
    super(rt);
    this.files = pkg.files;
    this.sources = pkg.modules;
    this.binaries = new Set(pkg.binaries);
    this.globals = null;
    // one realm here: the app's objects are the page's
    this.Promise = Promise;
    this.Object = Object;
    this.Array = Array;
  }

  /** JSON round trip (undefined stays undefined), as the runtime's toCtx. */
  toCtx(value) {
    const s = value === undefined ? undefined : JSON.stringify(value);
    return s === undefined ? undefined : JSON.parse(s);
  }

  ctxError(message, extra) {
    return Object.assign(new Error(message), extra || {});
  }

  /** Values for sim:package's GLOBALS, in order. */
  setGlobals(values) {
    this.globals = pkg.GLOBALS.map((name) => values[name]);
  }

  // ---------------------------------------------------------------- package files
  exists(rel) {
    return Object.prototype.hasOwnProperty.call(this.sources, rel) || Object.prototype.hasOwnProperty.call(this.files, rel);
  }

  readFile(rel) {
    return Object.prototype.hasOwnProperty.call(this.files, rel) ? this.files[rel] : null;
  }

  readJson(rel) {
    return parseJsonFile(this.readFile(rel), rel, this.rt.label);
  }

  // ---------------------------------------------------------------- CommonJS (lib/modules.js)
  isFile(rel) {
    return this.exists(rel);
  }

  subpackageRoots() {
    return subpackageRootsOf(this.readJson('app.json') || {});
  }

  newModule(rel) {
    return { exports: {}, id: rel };
  }

  parseJsonModule(rel) {
    return JSON.parse(this.files[rel]);
  }

  compile(rel) {
    const factory = this.sources[rel];
    if (!factory) throw new Error(`module "${rel}" is not defined`);
    const fn = factory(...this.globals);
    const run = (module, req) => fn.call(module.exports, req, module, module.exports, rel, paths.dirname(rel));
    const backendUrl = this.rt.scenario.backendUrl;
    if (rel !== CONFIG_MODULE || !backendUrl) return run;
    // The package's config.js, run as it is, with backendUrl pointed at the simulator's
    // /backend proxy (wcc-server), as a developer points it at their deployment.
    return (module, req) => {
      run(module, req);
      if (module.exports && typeof module.exports === 'object') module.exports.backendUrl = backendUrl;
    };
  }

  /** A module of a subpackage takes a (simulated) download first. */
  asyncDelay(request, fromRel) {
    const rel = this.resolve(request, fromRel);
    return rel && this.subpackageOf(rel) ? SUBPACKAGE_DOWNLOAD_MS : 0;
  }

  asyncLoaded(entry) {
    entry.done = this.rt.sched.now;
    this.rt.notify();
  }

  // ---------------------------------------------------------------- WXWebAssembly
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
      const entry = { path: describePathArg(pathArg), t: rt.sched.now, ok: false };
      rt.log.wasm.push(entry);
      const fail = (msg) => {
        entry.error = msg;
        rt.notify();
        return Promise.reject(new Error(msg));
      };
      const s = rt.scenario;
      const checked = checkWasmPath(pathArg, s, (r) => layer.binaries.has(r));
      if (checked.error) return fail(checked.error);
      const rel = checked.rel;
      const work = (async () => {
        const res = await fetch(`/pkg/${rel}`);
        if (!res.ok) throw new Error(`file not found in the code package: "${pathArg}"`);
        const bytes = await res.arrayBuffer();
        entry.bytes = bytes.byteLength;
        return compileAndInstantiate(WA, bytes, imports, s.platform === 'ios');
      })();
      return work.then((out) => {
        entry.ok = true;
        entry.done = rt.sched.now;
        rt.log.wasmInstantiations += 1;
        rt.notify();
        return out;
      }, (e) => {
        const msg = instantiateError(e);
        entry.error = msg;
        rt.notify();
        throw new Error(msg);
      });
    };
    return wxWebAssembly(instantiate, WA);
  }
}

module.exports = { LogicLayer, hasRequireAsync, hasWXWebAssembly };
