// Loads the Rust core. First choice: WXWebAssembly.instantiate with the path
// of the brotli file inside the code package (core/core.wasm.br; the plain
// .wasm is not shipped, to keep the main package under 2 MB). WXWebAssembly
// counts as working only when it exists AND an instantiate succeeds AND a
// call into the instance returns: base library numbers are never trusted
// (WeCom's lag behind WeChat's). Clients below base library 2.14.0 cannot
// read .br, so they, like those without WXWebAssembly (< 2.13.0), get the JS
// engine.
// Otherwise, silently, the JS build of the same core (made by
// scripts/build-fallback.js with binaryen's wasm2js). It lives in the
// `fallback` subpackage (app.json), loaded only then with require.async
// (分包异步化, base library >= 2.11.2); without require.async, a plain require.
// `engine` ('wasm' | 'js') and `reason` are for support tickets: see
// lastLoad() and the page fallback/pages/engine/engine.
// Each load builds a fresh glue and a fresh instance, so a core rebuilt after
// a trap never sees the poisoned instance's memory.
'use strict';

const manifest = require('../core/manifest.js');
const createGlue = require('../core/glue.js');

const JS_PATH = '/fallback/core-js.js';

// Why WXWebAssembly was given up on, once it failed in this process: a core
// rebuilt after a trap then goes straight to the JS build.
let wasmFailure = null;

/** @type {{ engine: string, path: string | null, reason: string | null, error: string | null, loader: string | null } | null} */
let last = null;

function hasWxWebAssembly() {
  return typeof WXWebAssembly !== 'undefined' && !!WXWebAssembly && typeof WXWebAssembly.instantiate === 'function';
}

function message(err) {
  return err && err.message ? err.message : String(err);
}

/** The glue, wired to `exports`, after a first call into the instance. */
function wire(glue, exports) {
  glue.__wbg_set_wasm(exports);
  if (typeof exports.__wbindgen_start === 'function') exports.__wbindgen_start();
  // A cheap round trip (no allocation): proves the instance runs.
  if (typeof glue.Core.snapshotVersion === 'function') glue.Core.snapshotVersion();
  return glue;
}

function instantiateWasm(path) {
  const glue = createGlue();
  const imports = {};
  imports[manifest.importModule] = glue;
  let pending;
  try {
    pending = WXWebAssembly.instantiate(path, imports);
  } catch (err) {
    return Promise.reject(err);
  }
  return Promise.resolve(pending).then((res) => {
    // Accept both shapes: { instance, module } and a bare instance.
    const instance = res && res.instance ? res.instance : res;
    if (!instance || !instance.exports) throw new Error(`WXWebAssembly.instantiate(${path}) gave no instance`);
    return wire(glue, instance.exports);
  });
}

/** The wasm engine, or a rejection whose message says why not. */
function loadWasm() {
  if (wasmFailure) return Promise.reject(new Error(wasmFailure));
  if (!hasWxWebAssembly()) return Promise.reject(new Error('no WXWebAssembly on this client'));
  const path = manifest.wasmBr;
  return instantiateWasm(path).then(
    (glue) => ({ Core: glue.Core, engine: 'wasm', path }),
    (err) => {
      // Also what a client below base library 2.14.0 (no .br) says.
      wasmFailure = `WXWebAssembly did not load the core: ${path}: ${message(err)}`;
      throw new Error(wasmFailure);
    },
  );
}

/**
 * The fallback subpackage's two modules, `[coreJs, createGlueJs]`:
 * require.async where the client has it, else (or if that fails) a plain
 * require (devtools, older clients). Literal paths, so devtools sees them.
 */
function requireFallback() {
  const plain = (asyncErr) => {
    try {
      const mods = [require('../fallback/core-js.js'), require('../fallback/glue-js.js')];
      return { mods, loader: asyncErr ? 'require (after require.async failed)' : 'require' };
    } catch (err) {
      throw new Error(asyncErr ? `require.async: ${message(asyncErr)}; require: ${message(err)}` : `require: ${message(err)}`);
    }
  };
  if (typeof require.async !== 'function') {
    try {
      return Promise.resolve(plain(null));
    } catch (err) {
      return Promise.reject(err);
    }
  }
  let pending;
  try {
    pending = Promise.all([require.async('../fallback/core-js.js'), require.async('../fallback/glue-js.js')]);
  } catch (err) {
    pending = Promise.reject(err);
  }
  return pending.then((mods) => ({ mods, loader: 'require.async' }), (err) => plain(err));
}

/** The JS engine; rejects when it cannot run. */
function loadJs(reason) {
  return requireFallback().then(({ mods, loader }) => {
    const coreJs = mods[0];
    const createGlueJs = mods[1];
    const glue = createGlueJs();
    const imports = {};
    imports[coreJs.importModule] = glue;
    wire(glue, coreJs.instantiate(imports));
    return { Core: glue.Core, engine: 'js', path: JS_PATH, reason, loader };
  });
}

/**
 * Resolves `{ Core, engine: 'wasm', path }` or, when WXWebAssembly is missing
 * or fails, `{ Core, engine: 'js', path: '/fallback/core-js.js', reason, loader }`.
 * Rejects with an Error whose `code` is 'no_engine' only when neither runs.
 */
function loadCore() {
  return loadWasm()
    .then((res) => {
      last = { engine: res.engine, path: res.path, reason: null, error: null, loader: null };
      return res;
    })
    .catch((wasmErr) => {
      const reason = message(wasmErr);
      return loadJs(reason).then(
        (res) => {
          last = { engine: res.engine, path: res.path, reason, error: null, loader: res.loader };
          return res;
        },
        (jsErr) => {
          /** @type {Error & { code?: string }} */
          const err = new Error(`the core did not load: ${reason}; ${JS_PATH}: ${message(jsErr)}`);
          err.code = 'no_engine';
          last = { engine: 'none', path: null, reason, error: err.message, loader: null };
          throw err;
        },
      );
    });
}

/**
 * The outcome of the latest loadCore() in this process, for support tickets:
 * `{ engine: 'wasm' | 'js' | 'none', path, reason, error, loader }`, or null
 * before the first load settles.
 */
function lastLoad() {
  return last ? Object.assign({}, last) : null;
}

module.exports = { loadCore, lastLoad, hasWxWebAssembly, manifest };
