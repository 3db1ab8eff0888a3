// The two engines of the built core, loaded the way the mini program loads
// them: shell/core-loader.js inside the headless WeCom logic layer
// (tools/runtime: no WebAssembly, TextEncoder or TextDecoder, so the shell's
// text codec is the one in use). 'wasm' is core/core.wasm.br through
// WXWebAssembly (an android client); 'js' is the wasm2js build in the
// fallback subpackage, through require.async (a client without
// WXWebAssembly). A trap poisons an instance for good, so `fresh()` loads a
// new one (each load builds a fresh glue and instance).
//
// WCC_PROPERTY_PKG points at another built mini program (default: this
// repository's miniprogram/), e.g. a build of an older commit.
'use strict';

const fs = require('fs');
const path = require('path');
const { createRuntime } = require('../../tools/runtime');

const ROOT = path.resolve(__dirname, '..', '..');
const PACKAGE_DIR = path.resolve(process.env.WCC_PROPERTY_PKG || path.join(ROOT, 'miniprogram'));
const FLAVOUR = { wasm: 'android', js: 'old' };

function checkBuilt() {
  for (const f of ['core/core.wasm.br', 'core/glue.js', 'core/manifest.js', 'fallback/core-js.js', 'fallback/glue-js.js']) {
    if (!fs.existsSync(path.join(PACKAGE_DIR, f))) throw new Error(`${path.join(PACKAGE_DIR, f)} is missing: run \`make build\``);
  }
}

/** One engine: `Core` (the class), and `fresh()` to replace a poisoned instance. */
async function loadEngine(name) {
  const rt = createRuntime({ packageDir: PACKAGE_DIR, scenario: { flavour: FLAVOUR[name] }, forwardConsole: false });
  const loader = rt.require('shell/core-loader.js');
  const load = async () => {
    const pending = loader.loadCore();
    await rt.settle();
    const res = await pending;
    if (res.engine !== name) throw new Error(`asked for the ${name} engine, the loader gave ${res.engine}`);
    return res.Core;
  };
  const engine = {
    name,
    rt,
    Core: await load(),
    poisoned: false,
    loads: 1,
    async fresh() {
      if (!engine.poisoned) return engine;
      engine.Core = await load();
      engine.poisoned = false;
      engine.loads += 1;
      return engine;
    },
    dispose() {
      rt.dispose();
    },
  };
  return engine;
}

/** Both engines, wasm first (the reference). */
async function loadEngines(names = ['wasm', 'js']) {
  checkBuilt();
  const out = [];
  for (const n of names) out.push(await loadEngine(n));
  return out;
}

module.exports = { loadEngines, loadEngine, PACKAGE_DIR };
