'use strict';
// WXWebAssembly.instantiate(path, imports), the part the headless runtime (lib/logic.js: bytes
// from fs) and the browser simulator (sim/phone/logic.js: bytes from its server) share: which
// paths it takes, and compiling with the iOS rule. Browser-safe.

const paths = require('./paths');
const { hasWasmBr, WASM_BR_MIN_SDK } = require('./features');

/** What instantiate logs for its first argument. */
function describePathArg(pathArg) {
  return typeof pathArg === 'string' ? pathArg : `[${Object.prototype.toString.call(pathArg)}]`;
}

/**
 * Check a path given to WXWebAssembly.instantiate. `isFile(rel)` says whether the package has
 * that file. Returns { rel } (package-relative) or { error } (the rejection message).
 */
function checkWasmPath(pathArg, scenario, isFile) {
  const bad = (error) => ({ error });
  if (typeof pathArg !== 'string') {
    return bad(`WXWebAssembly.instantiate: first argument must be a string path to a .wasm or .wasm.br file in the code package (got ${typeof pathArg === 'object' ? Object.prototype.toString.call(pathArg) : typeof pathArg})`);
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(pathArg)) {
    return bad(`WXWebAssembly.instantiate: URLs are not supported, only package paths (got "${pathArg}")`);
  }
  if (!/\.wasm(\.br)?$/.test(pathArg)) {
    return bad(`WXWebAssembly.instantiate: path must end in .wasm or .wasm.br (got "${pathArg}")`);
  }
  const rel = paths.normalize(pathArg.replace(/^\/+/, ''));
  if (rel.startsWith('..') || rel.startsWith('/')) {
    return bad(`WXWebAssembly.instantiate: path escapes the code package ("${pathArg}")`);
  }
  if (!isFile(rel)) {
    return bad(`WXWebAssembly.instantiate: file not found in the code package: "${pathArg}"`);
  }
  if (rel.endsWith('.br') && !hasWasmBr(scenario)) {
    return bad(`WXWebAssembly.instantiate: .wasm.br needs base library ${WASM_BR_MIN_SDK} or later (this client has ${scenario.sdkVersion}): "${pathArg}"`);
  }
  return { rel };
}

/** Compile and instantiate plain wasm bytes with the engine `WA`; iOS rejects exported Globals. */
async function compileAndInstantiate(WA, bytes, imports, ios) {
  const module = await WA.compile(bytes);
  if (ios) {
    const globals = WA.Module.exports(module).filter((e) => e.kind === 'global');
    if (globals.length) {
      throw new Error(`WXWebAssembly.instantiate: iOS does not support exported Global "${globals[0].name}"` +
        (globals.length > 1 ? ` (and ${globals.length - 1} more: ${globals.slice(1).map((g) => g.name).join(', ')})` : ''));
    }
  }
  const instance = await WA.instantiate(module, imports || {});
  return { instance, module };
}

/** The rejection message for a failed compile/instantiate. */
function instantiateError(e) {
  return e.message.startsWith('WXWebAssembly') ? e.message : `WXWebAssembly.instantiate: ${e.message}`;
}

/** The WXWebAssembly global around an instantiate function. */
function wxWebAssembly(instantiate, WA) {
  return {
    instantiate,
    Memory: WA.Memory,
    Table: WA.Table,
    Global: WA.Global,
    RuntimeError: WA.RuntimeError,
  };
}

module.exports = { describePathArg, checkWasmPath, compileAndInstantiate, instantiateError, wxWebAssembly };
