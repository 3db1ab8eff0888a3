// Loads the Rust core. First choice: WXWebAssembly.instantiate with a path
// inside the code package, the brotli file first (base library >= 2.14.0),
// then the plain .wasm. WXWebAssembly counts as working only when it exists
// AND an instantiate succeeds AND a call into the instance returns: base
// library numbers are never trusted (WeCom's lag behind WeChat's).
// Otherwise, silently, the JS build of the same core (core/core-js.js, made
// by scripts/build-fallback.js with binaryen's wasm2js), required only then.
// `engine` ('wasm' | 'js') and `reason` are for support tickets.
// Each load builds a fresh glue and a fresh instance, so a core rebuilt after
// a trap never sees the poisoned instance's memory.
'use strict';

const manifest = require('../core/manifest.js');
const createGlue = require('../core/glue.js');

const JS_PATH = '/core/core-js.js';

// Why WXWebAssembly was given up on, once it failed in this process: a core
// rebuilt after a trap then goes straight to the JS build.
let wasmFailure = null;

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
  const attempts = [manifest.wasmBr, manifest.wasm];
  const errors = [];
  const next = (i) => {
    if (i >= attempts.length) {
      wasmFailure = `WXWebAssembly did not load the core: ${errors.join('; ')}`;
      return Promise.reject(new Error(wasmFailure));
    }
    return instantiateWasm(attempts[i]).then(
      (glue) => ({ Core: glue.Core, engine: 'wasm', path: attempts[i] }),
      (err) => {
        errors.push(`${attempts[i]}: ${message(err)}`);
        return next(i + 1);
      },
    );
  };
  return next(0);
}

/** The JS engine (synchronous; throws when it cannot run). */
function loadJs(reason) {
  // Required here, not at the top: only clients that need it pay for it.
  const coreJs = require('../core/core-js.js');
  const createGlueJs = require('../core/glue-js.js');
  const glue = createGlueJs();
  const imports = {};
  imports[coreJs.importModule] = glue;
  wire(glue, coreJs.instantiate(imports));
  return { Core: glue.Core, engine: 'js', path: JS_PATH, reason };
}

/**
 * Resolves `{ Core, engine: 'wasm', path }` or, when WXWebAssembly is missing
 * or fails, `{ Core, engine: 'js', path: '/core/core-js.js', reason }`.
 * Rejects with an Error whose `code` is 'no_engine' only when neither runs.
 */
function loadCore() {
  return loadWasm().catch((wasmErr) => {
    const reason = message(wasmErr);
    try {
      return loadJs(reason);
    } catch (jsErr) {
      const err = new Error(`the core did not load: ${reason}; ${JS_PATH}: ${message(jsErr)}`);
      err.code = 'no_engine';
      throw err;
    }
  });
}

module.exports = { loadCore, hasWxWebAssembly, manifest };
