'use strict';
// Builds the two browser bundles of the simulator with esbuild, in memory:
//   panel.js  the scenario panel (with the fixtures of sim/fixtures.js for its menus), its HTTP
//             to wcc-server and wecom-double, and the logs
//   phone.js  one WeCom client: the reference mini program's every .js as a CommonJS module
//             map, its .wxml/.json/.wxss/.wxs inlined, the runtime's wx/wx.qy
//             (tools/runtime/lib/wx.js + qy.js, reused as they are) and j-component
// Nothing is written to disk. The wasm core is not bundled: the phone's WXWebAssembly
// shim fetches it from the server (see server.js, /pkg/).

const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const PACKAGE_DIR = path.join(ROOT, 'miniprogram');
const SIM_DIR = __dirname;

/** Files that `make build` writes; without them the mini program cannot start. */
const BUILD_OUTPUTS = ['core/glue.js', 'core/manifest.js', 'core/core.wasm.br', 'core/initial-view.js'];

class MissingBuildError extends Error {}

function checkBuild(packageDir = PACKAGE_DIR) {
  const missing = BUILD_OUTPUTS.filter((f) => !fs.existsSync(path.join(packageDir, f)));
  if (missing.length) {
    throw new MissingBuildError(
      `WeCom simulator: the core is not built (missing ${missing.map((f) => `miniprogram/${f}`).join(', ')}). ` +
      'Run `make build` (or `make dev`, which builds first).',
    );
  }
}

/** Every file of the package, relative, posix. */
function listFiles(dir, base = '') {
  const out = [];
  for (const ent of fs.readdirSync(dir, { withFileTypes: true })) {
    if (ent.name.startsWith('.')) continue;
    const rel = base ? `${base}/${ent.name}` : ent.name;
    if (ent.isDirectory()) {
      if (ent.name === 'node_modules' || ent.name === 'typings') continue;
      out.push(...listFiles(path.join(dir, ent.name), rel));
    } else out.push(rel);
  }
  return out.sort();
}

// The mini program's module code sees these as globals (shadowable by its own declarations)...
const GLOBALS = ['App', 'Page', 'Component', 'Behavior', 'getApp', 'getCurrentPages', 'wx', 'WXWebAssembly', 'console', 'requirePlugin'];
// ...and never sees these browser globals, which a WeCom client does not have (facts §1).
const HIDDEN = ['window', 'document', 'self', 'top', 'parent', 'frames', 'location', 'navigator', 'localStorage',
  'sessionStorage', 'history', 'fetch', 'XMLHttpRequest', 'WebSocket', 'WebAssembly', 'TextEncoder', 'TextDecoder',
  'Buffer', 'process', 'global', 'alert', 'confirm', 'prompt', 'indexedDB', 'caches', 'importScripts'];

/**
 * The generated `sim:package` module: { modules: {rel: (...globals, ...hidden) => (require, module, exports) => {source}},
 * files: {rel: text} } for the mini program. esbuild leaves the inner `require` alone (it is bound).
 */
function packageModule(packageDir = PACKAGE_DIR) {
  const files = listFiles(packageDir);
  const parts = ['exports.modules = {'];
  const text = {};
  for (const rel of files) {
    const abs = path.join(packageDir, rel);
    if (rel.endsWith('.js')) {
      const src = fs.readFileSync(abs, 'utf8');
      parts.push(`${JSON.stringify(rel)}: function (${GLOBALS.join(', ')}, ${HIDDEN.join(', ')}) {\n` +
        `return function (require, module, exports, __filename, __dirname) {\n${src}\n};\n},`);
    } else if (/\.(json|wxml|wxss|wxs)$/.test(rel)) {
      text[rel] = fs.readFileSync(abs, 'utf8');
    }
  }
  parts.push('};');
  parts.push(`exports.files = ${JSON.stringify(text)};`);
  parts.push(`exports.GLOBALS = ${JSON.stringify(GLOBALS)};`);
  parts.push(`exports.binaries = ${JSON.stringify(files.filter((f) => !/\.(js|json|wxml|wxss|wxs)$/.test(f)))};`);
  return parts.join('\n');
}

function esbuild() {
  try {
    return require('esbuild');
  } catch (e) {
    throw new Error('WeCom simulator: esbuild is not installed; run `npm ci` (or `make dev`).');
  }
}

/** Newest mtime under the inputs of the bundles (to rebuild after an edit). */
function inputsStamp() {
  let newest = 0;
  const walk = (dir) => {
    if (!fs.existsSync(dir)) return;
    for (const ent of fs.readdirSync(dir, { withFileTypes: true })) {
      const abs = path.join(dir, ent.name);
      if (ent.isDirectory()) {
        if (ent.name !== 'node_modules') walk(abs);
      } else newest = Math.max(newest, fs.statSync(abs).mtimeMs);
    }
  };
  walk(PACKAGE_DIR);
  walk(SIM_DIR);
  walk(path.join(ROOT, 'tools/runtime/lib'));
  walk(path.join(ROOT, 'tools/fixtures'));
  return newest;
}

/** Builds both bundles. Resolves { 'panel.js': string, 'phone.js': string, stamp, ms }. */
async function buildBundles() {
  checkBuild();
  const started = Date.now();
  const stamp = inputsStamp();
  const pkgPlugin = {
    name: 'sim-package',
    setup(b) {
      b.onResolve({ filter: /^sim:package$/ }, () => ({ path: 'sim:package', namespace: 'sim' }));
      b.onLoad({ filter: /.*/, namespace: 'sim' }, () => ({ contents: packageModule(), loader: 'js', resolveDir: PACKAGE_DIR }));
    },
  };
  const common = {
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: ['chrome100'],
    charset: 'utf8',
    logLevel: 'silent',
    define: { global: 'globalThis', 'process.env.NODE_ENV': '"development"' },
    legalComments: 'none',
  };
  const [panel, phone] = await Promise.all([
    esbuild().build(Object.assign({}, common, { entryPoints: [path.join(SIM_DIR, 'panel/index.js')] })),
    esbuild().build(Object.assign({}, common, {
      entryPoints: [path.join(SIM_DIR, 'phone/index.js')],
      plugins: [pkgPlugin],
      inject: [path.join(SIM_DIR, 'phone/buffer-shim.js')],
    })),
  ]);
  return {
    'panel.js': panel.outputFiles[0].text,
    'phone.js': phone.outputFiles[0].text,
    stamp,
    ms: Date.now() - started,
  };
}

module.exports = { buildBundles, checkBuild, inputsStamp, packageModule, MissingBuildError, PACKAGE_DIR, ROOT, GLOBALS, HIDDEN };
