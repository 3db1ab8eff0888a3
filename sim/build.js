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
const { sourceProblems, formatProblem } = require('./source-problems');
const { createResolver } = require('./bundle-positions');

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
function packageModule(packageDir = PACKAGE_DIR, layout = []) {
  const files = listFiles(packageDir);
  const parts = ['exports.modules = {'];
  let line = 2; // the generated line the next part starts on
  const text = {};
  for (const rel of files) {
    const abs = path.join(packageDir, rel);
    if (rel.endsWith('.js')) {
      const src = fs.readFileSync(abs, 'utf8');
      const lines = src.split('\n').length;
      layout.push({ rel, line: line + 2, lines });
      parts.push(`${JSON.stringify(rel)}: function (${GLOBALS.join(', ')}, ${HIDDEN.join(', ')}) {\n` +
        `return function (require, module, exports, __filename, __dirname) {\n${src}\n};\n},`);
      line += lines + 4;
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
function inputsStamp(packageDir = PACKAGE_DIR) {
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
  walk(packageDir);
  walk(SIM_DIR);
  walk(path.join(ROOT, 'tools/runtime/lib'));
  walk(path.join(ROOT, 'tools/fixtures'));
  return newest;
}

/** esbuild's errors as problems: `{file, line, column, message}`. */
function esbuildProblems(e) {
  const errors = e && Array.isArray(e.errors) && e.errors.length ? e.errors : null;
  if (!errors) return [{ file: 'sim', line: 1, column: 1, message: String((e && e.message) || e) }];
  return errors.map((err) => {
    const loc = err.location;
    const file = loc && loc.file ? path.relative(ROOT, path.resolve(ROOT, loc.file)).split(path.sep).join('/') : 'sim';
    return { file, line: loc ? loc.line : 1, column: loc ? loc.column + 1 : 1, message: err.text };
  });
}

/**
 * Builds both bundles. Resolves { 'panel.js': string | null, 'phone.js': string | null,
 * problems: [{bundle, file, line, column, message}], stamp, ms }: a bundle that cannot be
 * built is null, and `problems` says why, with the real file and line (a broken file under
 * the package is found by sourceProblems before bundling). Rejects only when the core is not
 * built or esbuild is missing.
 * @param {{ packageDir?: string }} [o]
 */
async function buildBundles(o = {}) {
  const packageDir = o.packageDir || PACKAGE_DIR;
  checkBuild(packageDir);
  const eb = esbuild();
  const started = Date.now();
  const stamp = inputsStamp(packageDir);
  const layout = [];
  const pkgPlugin = {
    name: 'sim-package',
    setup(b) {
      b.onResolve({ filter: /^sim:package$/ }, () => ({ path: 'sim:package', namespace: 'sim' }));
      b.onLoad({ filter: /.*/, namespace: 'sim' }, () => ({ contents: packageModule(packageDir, layout), loader: 'js', resolveDir: packageDir }));
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
  const problems = [];
  const maps = {};
  const attempt = (bundle, options) => eb.build(Object.assign({}, common, options)).then(
    (r) => {
      const map = r.outputFiles.find((f) => f.path.endsWith('.map'));
      if (map) maps[bundle] = map.text;
      return r.outputFiles.find((f) => !f.path.endsWith('.map')).text;
    },
    (e) => {
      for (const p of esbuildProblems(e)) problems.push(Object.assign({ bundle }, p));
      return null;
    },
  );
  const sources = sourceProblems(packageDir).map((p) => Object.assign({ bundle: 'phone.js' }, p));
  problems.push(...sources);
  const [panel, phone] = await Promise.all([
    attempt('panel.js', { entryPoints: [path.join(SIM_DIR, 'panel/index.js')] }),
    sources.length ? Promise.resolve(null) : attempt('phone.js', {
      entryPoints: [path.join(SIM_DIR, 'phone/index.js')],
      plugins: [pkgPlugin],
      inject: [path.join(SIM_DIR, 'phone/buffer-shim.js')],
      sourcemap: 'external',
      outfile: path.join(SIM_DIR, 'phone.js'), // named only: nothing is written
    }),
  ]);
  const phoneMap = maps['phone.js'] ? JSON.parse(maps['phone.js']) : null;
  const positions = phoneMap ? createResolver(phoneMap, layout, { root: ROOT, packageDir, virtual: 'sim:package', mapDir: SIM_DIR }) : null;
  return { 'panel.js': panel, 'phone.js': phone, 'phone.js.map': maps['phone.js'] || null, positions, problems, stamp, ms: Date.now() - started };
}

module.exports = { buildBundles, checkBuild, inputsStamp, packageModule, formatProblem, MissingBuildError, PACKAGE_DIR, ROOT, GLOBALS, HIDDEN };
