// Loads the Rust core the only way a mini program can: WXWebAssembly.instantiate
// with a path inside the code package. The brotli file is tried first (base
// library >= 2.14.0), then the plain .wasm. Each load builds a fresh glue, so a
// core rebuilt after a trap never sees the poisoned instance's memory.
'use strict';

const manifest = require('../core/manifest.js');
const createGlue = require('../core/glue.js');

function hasWxWebAssembly() {
  return typeof WXWebAssembly !== 'undefined' && !!WXWebAssembly && typeof WXWebAssembly.instantiate === 'function';
}

function instantiate(path) {
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
    glue.__wbg_set_wasm(instance.exports);
    if (typeof instance.exports.__wbindgen_start === 'function') instance.exports.__wbindgen_start();
    return glue;
  });
}

/**
 * Resolves `{ Core, engine, path }`. `engine` is 'wasm' (for support tickets).
 * Rejects with an Error whose `code` is 'no_engine' when nothing can run.
 */
function loadCore() {
  if (!hasWxWebAssembly()) {
    const err = new Error('WXWebAssembly is not available on this client (base library below 2.13.0?)');
    err.code = 'no_engine';
    return Promise.reject(err);
  }
  const attempts = [manifest.wasmBr, manifest.wasm];
  const errors = [];
  const next = (i) => {
    if (i >= attempts.length) {
      const err = new Error(`the wasm core did not load: ${errors.join('; ')}`);
      err.code = 'no_engine';
      return Promise.reject(err);
    }
    return instantiate(attempts[i]).then(
      (glue) => ({ Core: glue.Core, engine: 'wasm', path: attempts[i] }),
      (err) => {
        errors.push(`${attempts[i]}: ${err && err.message ? err.message : err}`);
        return next(i + 1);
      },
    );
  };
  return next(0);
}

module.exports = { loadCore, hasWxWebAssembly, manifest };
