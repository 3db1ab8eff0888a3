#!/usr/bin/env node
// The JS fallback of the core, for clients without a working WXWebAssembly
// (WeCom base libraries below 2.13.0, below 2.14.0 since only core.wasm.br
// ships, or an instantiate that fails). Run after scripts/build-core.js: it
// reads build/core.wasm (the plain wasm, not shipped) and writes
// miniprogram/fallback/core-js.js, a CommonJS module (plus glue-js.js, below),
// into the `fallback` subpackage of app.json, so the main package stays under
// 2 MB. Main-package code may not plainly require a subpackage file, so
// shell/core-loader.js reaches it, only when needed, with require.async
// (base library >= 2.11.2 and WeCom Android >= 3.1.23 / iOS >= 4.0.8):
//
//   (await require.async('../fallback/core-js.js')).instantiate(imports) -> exports
//
// or, on clients without require.async (WeCom iOS 3.1.8), through the boot
// page fallback/pages/engine/engine?boot=1, which requires both files from
// inside the subpackage and hands them to the loader (the build checks that
// the page is in the subpackage and that its requires resolve);
//
// `imports` is the same object WXWebAssembly.instantiate gets
// ({ [manifest.importModule]: glue }); `exports` has the same names as
// `instance.exports` of the wasm: `memory` (with `.buffer` and `.grow`) and
// the functions. Each call builds a fresh instance with fresh memory.
//
// How:
//  - binaryen's `wasm2js -Oz --emscripten`: --emscripten gives a plain
//    `function instantiate(info) {...}` instead of an ES module (mini
//    programs have no ES-module loading at run time);
//  - i64 in the exported surface fails the build (wasm2js would split it
//    into two i32s and the glue would get the wrong arity). Imports taking
//    i64 are legalized by wasm2js into (low, high) i32 pairs; each gets an
//    adapter here that rebuilds the value (BigInt when the engine has it, a
//    Number otherwise), so the glue sees what the wasm engine passes;
//  - memory: wasm2js grows memory by copying into a new ArrayBuffer and
//    leaves the old one attached. wasm-bindgen's glue caches its memory
//    views and, for the Uint8Array, refreshes only when the old buffer is
//    detached (byteLength 0), so with glue.js a grown JS memory would leave
//    the glue reading and writing the old buffer. Two fixes: grow uses
//    ArrayBuffer.prototype.transfer where the engine has it (detaches the old
//    buffer, as wasm does), else copies; capacity grows by half again so
//    copies stay rare. And the JS engine gets its own glue, glue-js.js: the
//    text of glue.js with every cached view refreshed whenever
//    `wasm.memory.buffer` is another object. glue-js.js is small and keeps
//    glue.js's require of ../shell/text-codec.js (the same relative path
//    from fallback/ as from core/; a subpackage may require main-package
//    files; the build checks it resolves); core-js.js requires nothing
//    (devtools' code protection can break require in files over 500 KB);
//  - minified with esbuild (--target=es5: the output is ES5 already and
//    stays so, whether or not devtools transpiles it);
//  - checks: no eval / Function constructor / import.meta / import() /
//    fetch / WebAssembly / require in the text; evaluated in a vm context
//    without WebAssembly and with code generation from strings off, its
//    export names and function arities must equal the wasm's;
//  - sizes: main package and each subpackage (app.json) against 2 MB.
// Nothing here is committed: miniprogram/core/, build/ and the generated files
// of miniprogram/fallback/ (core-js.js, glue-js.js and their .d.ts) are in
// .gitignore; the page fallback/pages/engine/ is source.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const vm = require('vm');
const zlib = require('zlib');
const { execFileSync } = require('child_process');

const root = path.resolve(__dirname, '..');
const pkgDir = path.join(root, 'miniprogram');
const coreDir = path.join(pkgDir, 'core');
const fallbackRoot = 'fallback'; // the subpackage root in app.json
const fallbackDir = path.join(pkgDir, fallbackRoot);
const wasmIn = path.join(root, 'build', 'core.wasm');
const manifestFile = path.join(coreDir, 'manifest.js');
const jsOut = path.join(fallbackDir, 'core-js.js');
const glueIn = path.join(coreDir, 'glue.js');
const glueJsOut = path.join(fallbackDir, 'glue-js.js');
const { packageSizes } = require('../tools/runtime/lib/packages');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);

const BANNED = [
  ['eval', /\beval\b/],
  ['Function constructor', /\bFunction\s*\(/],
  ['import.meta', /\bimport\s*\.\s*meta\b/],
  ['import()', /\bimport\s*\(/],
  ['ES import/export', /(^|[;\n}])\s*(import|export)\s+[\w*{]/],
  ['fetch', /\bfetch\b/],
  ['WebAssembly', /WebAssembly/],
  ['require', /\brequire\s*\(/],
];

let tmp = null;

function fail(msg) {
  console.error(`build-fallback: ${msg}`);
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  process.exit(1);
}

function kb(n) {
  return `${(n / 1024).toFixed(1)} KiB`;
}

function brotli(buf) {
  return zlib.brotliCompressSync(buf, {
    params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: buf.length },
  });
}

/** Replace exactly one occurrence of `from` (a string or a RegExp) or fail. */
function replaceOnce(text, from, to, what) {
  const matches = typeof from === 'string' ? text.split(from).length - 1 : (text.match(new RegExp(from.source, `${from.flags.replace('g', '')}g`)) || []).length;
  if (matches !== 1) fail(`wasm2js output changed shape: expected one ${what}, found ${matches}`);
  return text.replace(from, to);
}

async function main() {
  if (!fs.existsSync(wasmIn)) fail('build/core.wasm is missing: run scripts/build-core.js first');
  const manifest = require(manifestFile);
  const wasmBytes = fs.readFileSync(wasmIn);
  const wasmSha256 = require('crypto').createHash('sha256').update(wasmBytes).digest('hex');
  if (manifest.wasmSha256 !== wasmSha256) {
    fail('build/core.wasm is not the wasm of miniprogram/core/ (manifest.wasmSha256 differs): run scripts/build-core.js again');
  }
  const appJson = JSON.parse(fs.readFileSync(path.join(pkgDir, 'app.json'), 'utf8'));
  const roots = (appJson.subPackages || appJson.subpackages || []).map((sp) => String(sp.root).replace(/^\/+|\/+$/g, ''));
  if (!roots.includes(fallbackRoot)) fail(`app.json has no subpackage with root "${fallbackRoot}" (the JS engine's home)`);
  // The boot page (shell/core-loader.js BOOT_ROUTE) must be a page of that subpackage and require both files.
  const fallbackPackage = (appJson.subPackages || appJson.subpackages || []).find(
    (sp) => String(sp.root).replace(/^\/+|\/+$/g, '') === fallbackRoot,
  );
  const bootPage = 'pages/engine/engine';
  if (!(fallbackPackage.pages || []).includes(bootPage)) fail(`app.json: subpackage "${fallbackRoot}" lacks the boot page ${bootPage}`);
  const bootFile = path.join(fallbackDir, `${bootPage}.js`);
  const bootJs = fs.existsSync(bootFile) ? fs.readFileSync(bootFile, 'utf8') : '';
  for (const out of [jsOut, glueJsOut]) {
    const rel = path.relative(path.dirname(bootFile), out).split(path.sep).join('/');
    if (!bootJs.includes(`require('${rel}')`)) fail(`${fallbackRoot}/${bootPage}.js does not require('${rel}'): the boot page could not load the JS engine`);
  }

  // 1. The interface, from the wasm itself.
  const binaryen = (await import('binaryen')).default;
  const mod = binaryen.readBinary(wasmBytes);
  const typeName = (t) =>
    ({ [binaryen.i32]: 'i32', [binaryen.i64]: 'i64', [binaryen.f32]: 'f32', [binaryen.f64]: 'f64' })[t] || `type#${t}`;
  const sig = (info) => ({
    params: binaryen.expandType(info.params).map(typeName),
    results: binaryen.expandType(info.results).map(typeName),
  });
  const exportsSig = [];
  const i64Exports = [];
  for (let i = 0; i < mod.getNumExports(); i++) {
    const e = binaryen.getExportInfo(mod.getExportByIndex(i));
    if (e.kind === binaryen.ExternalFunction) {
      const s = sig(binaryen.getFunctionInfo(mod.getFunction(e.value)));
      exportsSig.push({ name: e.name, kind: 'function', params: s.params.length });
      if (s.params.includes('i64') || s.results.includes('i64')) i64Exports.push(`${e.name}(${s.params}) -> ${s.results}`);
    } else if (e.kind === binaryen.ExternalMemory) {
      exportsSig.push({ name: e.name, kind: 'memory' });
    } else {
      fail(`export ${e.name} is neither a function nor the memory (kind ${e.kind}); the JS build does not support it`);
    }
  }
  if (i64Exports.length) fail(`exported functions use i64, which wasm2js would legalize: ${i64Exports.join('; ')}`);
  const i64Imports = {};
  const importModules = new Set();
  for (let i = 0; i < mod.getNumFunctions(); i++) {
    const f = binaryen.getFunctionInfo(mod.getFunctionByIndex(i));
    if (!f.module) continue;
    importModules.add(f.module);
    const s = sig(f);
    if (s.results.includes('i64')) fail(`import ${f.module}.${f.base} returns i64; the JS build has no adapter for that`);
    if (s.params.includes('i64')) i64Imports[f.base] = s.params.map((p) => (p === 'i64' ? 'j' : 'i')).join('');
  }
  if (importModules.size !== 1 || !importModules.has(manifest.importModule)) {
    fail(`expected the one import module ${manifest.importModule}, got ${[...importModules].join(', ')}`);
  }
  mod.dispose();

  // 2. wasm2js.
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wcc-fallback-'));
  const raw = path.join(tmp, 'wasm2js.js');
  const flags = ['-Oz', '--emscripten'];
  execFileSync(bin('wasm2js'), [wasmIn, ...flags, '-o', raw], { stdio: 'inherit' });
  let js = fs.readFileSync(raw, 'utf8');
  const rawBytes = Buffer.byteLength(js);

  // 3. Patches (each must match exactly once, or the build fails).
  js = replaceOnce(js, /^function instantiate\(info\) \{/, 'function wasm2jsInstantiate(info) {', 'instantiate(info) header');
  const bufMatch = js.match(/\n var buffer = new ArrayBuffer\((\d+)\);\n/);
  if (!bufMatch) fail('wasm2js output changed shape: no initial `var buffer = new ArrayBuffer(N);`');
  const initialBytes = Number(bufMatch[1]);
  if (initialBytes % 65536) fail(`initial memory ${initialBytes} is not a whole number of pages`);
  js = replaceOnce(
    js,
    bufMatch[0],
    `\n var memoryPages = ${initialBytes / 65536};\n var buffer = new ArrayBuffer(${initialBytes});\n`,
    'initial buffer',
  );
  js = replaceOnce(
    js,
    /\n function __wasm_memory_size\(\) \{\n  return buffer\.byteLength >> 16;\n \}\n/,
    '\n function __wasm_memory_size() {\n  return memoryPages;\n }\n',
    '__wasm_memory_size',
  );
  const growRe = /\n function __wasm_memory_grow\(pagesToAdd\) \{\n[\s\S]*?\n  return oldPages;\n \}\n/;
  const growOld = js.match(growRe);
  if (!growOld) fail('wasm2js output changed shape: no __wasm_memory_grow');
  const views = growOld[0].match(/^   (HEAP\w+) = new \w+Array\(newBuffer\);$/gm);
  if (!views || !views.length) fail('wasm2js output changed shape: no heap views in __wasm_memory_grow');
  js = js.replace(
    growRe,
    [
      '',
      ' function __wasm_memory_grow(pagesToAdd) {',
      '  pagesToAdd = pagesToAdd | 0;',
      '  var oldPages = memoryPages;',
      '  var newPages = oldPages + pagesToAdd | 0;',
      '  if (pagesToAdd < 0 || newPages > 65535) return -1;',
      '  if (newPages * 65536 > buffer.byteLength) {',
      '   var newBytes = Math.min(65535 * 65536, Math.max(newPages * 65536, Math.ceil(buffer.byteLength * 1.5 / 65536) * 65536));',
      '   var newBuffer;',
      '   if (typeof buffer.transfer === "function") {',
      '    newBuffer = buffer.transfer(newBytes);',
      '   } else {',
      '    newBuffer = new ArrayBuffer(newBytes);',
      '    new Int8Array(newBuffer).set(HEAP8);',
      '   }',
      ...views,
      '   buffer = newBuffer;',
      '   bufferView = HEAPU8;',
      '  }',
      '  memoryPages = newPages;',
      '  return oldPages;',
      ' }',
      '',
    ].join('\n'),
  );
  // Imports that wasm2js legalized: (low, high) pairs back to one value.
  const legalized = [...js.matchAll(/^ var (legalimport\$\S+) = (\$\S+)\.(\w+);$/gm)];
  const adapted = new Set();
  for (const m of legalized) {
    const [whole, local, obj, name] = m;
    const spec = i64Imports[name];
    if (!spec) fail(`wasm2js legalized import ${name}, but it has no i64 parameter in the wasm`);
    js = replaceOnce(js, whole, ` var ${local} = legalizedI64Import(${obj}.${name}, ${JSON.stringify(spec)});`, `legalized ${name}`);
    adapted.add(name);
  }
  for (const name of Object.keys(i64Imports)) {
    if (!adapted.has(name)) fail(`import ${name} takes i64 but wasm2js did not legalize it as expected`);
  }

  const header = [
    '// Generated by scripts/build-fallback.js (binaryen wasm2js) from core.wasm. Do not edit.',
    "'use strict';",
    '',
    '// wasm2js passes an i64 argument as two i32s (low, high). `spec` has one',
    "// letter per original parameter: 'j' = i64, 'i' = anything else.",
    'function legalizedI64Import(fn, spec) {',
    '  return function () {',
    '    var args = [];',
    '    var k = 0;',
    '    for (var p = 0; p < spec.length; p++) {',
    "      if (spec.charAt(p) === 'j') {",
    '        var lo = arguments[k++] >>> 0;',
    '        var hi = arguments[k++] | 0;',
    "        args.push(typeof BigInt === 'function'",
    '          ? BigInt.asIntN(64, (BigInt(hi) * BigInt(4294967296)) + BigInt(lo))',
    '          : hi * 4294967296 + lo);',
    '      } else {',
    '        args.push(arguments[k++]);',
    '      }',
    '    }',
    '    return fn.apply(void 0, args);',
    '  };',
    '}',
    '',
  ].join('\n');
  const footer = [
    '',
    `var EXPORTS = ${JSON.stringify(exportsSig.map((e) => e.name))};`,
    '',
    '/** A fresh instance: `imports` as for WXWebAssembly.instantiate; returns its exports. */',
    'function instantiate(imports) {',
    '  var info = {};',
    '  for (var key in imports) if (Object.prototype.hasOwnProperty.call(imports, key)) info[key] = imports[key];',
    '  return wasm2jsInstantiate(info);',
    '}',
    '',
    `module.exports = { instantiate: instantiate, importModule: ${JSON.stringify(manifest.importModule)}, exportNames: EXPORTS, wasmSha256: ${JSON.stringify(wasmSha256)}, legalizedI64Import: legalizedI64Import };`,
    '',
  ].join('\n');
  const unminified = path.join(tmp, 'core-js.full.js');
  fs.writeFileSync(unminified, header + js + footer);

  // 4. Minify. --target=es5 also makes esbuild refuse anything newer.
  const minified = path.join(tmp, 'core-js.min.js');
  execFileSync(
    bin('esbuild'),
    [unminified, '--minify', '--target=es5', '--charset=utf8', '--log-level=warning', `--outfile=${minified}`],
    { stdio: 'inherit' },
  );
  let out = fs.readFileSync(minified, 'utf8');
  out = `// Generated by scripts/build-fallback.js (binaryen wasm2js ${flags.join(' ')}, esbuild) from core.wasm. Do not edit.\n${out}`;

  // 5. Checks on the text and on the module itself.
  for (const [what, re] of BANNED) {
    const m = out.match(re);
    if (m) fail(`core-js.js uses ${what} (…${out.slice(Math.max(0, m.index - 40), m.index + 40)}…), which the mini-program logic layer does not have`);
  }
  const ctx = vm.createContext({}, { codeGeneration: { strings: false, wasm: false } });
  vm.runInContext('delete globalThis.WebAssembly;', ctx);
  const sandboxModule = vm.runInContext('({ exports: {} })', ctx);
  new vm.Script(`(function (module, exports) {${out}\n})`, { filename: 'core-js.js' })
    .runInContext(ctx)
    .call(sandboxModule.exports, sandboxModule, sandboxModule.exports);
  const stubImports = {};
  stubImports[manifest.importModule] = new Proxy({}, { get: () => () => 0 });
  const jsExports = sandboxModule.exports.instantiate(stubImports);
  const wasmInstance = new WebAssembly.Instance(
    new WebAssembly.Module(wasmBytes),
    Object.fromEntries([[manifest.importModule, new Proxy({}, { get: () => () => 0 })]]),
  );
  const wantNames = Object.keys(wasmInstance.exports).sort();
  const gotNames = Object.keys(jsExports).sort();
  if (JSON.stringify(wantNames) !== JSON.stringify(gotNames)) {
    fail(`exports differ: wasm has ${wantNames.join(',')}; js has ${gotNames.join(',')}`);
  }
  for (const e of exportsSig) {
    const got = jsExports[e.name];
    if (e.kind === 'memory') {
      if (!got || Object.prototype.toString.call(got.buffer) !== '[object ArrayBuffer]' || typeof got.grow !== 'function') {
        fail(`export ${e.name} has no ArrayBuffer .buffer`);
      }
    } else if (typeof got !== 'function' || got.length !== e.params || wasmInstance.exports[e.name].length !== e.params) {
      fail(`export ${e.name}: wasm takes ${e.params} parameters, js ${got && got.length} (i64 legalization?)`);
    }
  }

  // 6. glue-js.js: glue.js with every cached memory view refreshed when
  // wasm.memory.buffer is another object (see the header).
  if (!fs.existsSync(glueIn)) fail('miniprogram/core/glue.js is missing: run scripts/build-core.js first');
  let glueJs = fs.readFileSync(glueIn, 'utf8');
  const viewRe = /(function get(\w+)Memory0\(\) \{\n\s*if \()([^\n]*)(\) \{\n\s*cached\2Memory0 = new \w+\(wasm\.memory\.buffer\);)/g;
  let patchedViews = 0;
  glueJs = glueJs.replace(viewRe, (all, head, name, cond, tail) => {
    patchedViews++;
    return `${head}cached${name}Memory0 === null || cached${name}Memory0.buffer !== wasm.memory.buffer${tail}`;
  });
  const viewUses = (glueJs.match(/new \w+\(wasm\.memory\.buffer\)/g) || []).length;
  if (!patchedViews || patchedViews !== viewUses) {
    fail(`glue.js changed shape: patched ${patchedViews} memory views of ${viewUses}`);
  }
  glueJs = glueJs.replace(
    /^\/\/ Generated by scripts\/build-core\.js[^\n]*\n/,
    '// Generated by scripts/build-fallback.js from glue.js (build-core.js) for the JS engine: every\n' +
      '// cached memory view is rebuilt when wasm.memory.buffer changes (a grown JS memory is a new,\n' +
      '// still attached ArrayBuffer). Do not edit.\n',
  );
  for (const [what, re] of BANNED) {
    if (what === 'require') continue; // glue.js requires ../shell/text-codec.js
    if (re.test(glueJs)) fail(`glue-js.js uses ${what}`);
  }
  // Its requires must resolve from the subpackage folder, inside the package.
  for (const m of glueJs.matchAll(/\brequire\(\s*(['"])([^'"]+)\1\s*\)/g)) {
    const target = path.resolve(fallbackDir, m[2]);
    if (!target.startsWith(pkgDir + path.sep) || !fs.existsSync(target)) {
      fail(`glue-js.js requires ${m[2]}, which does not resolve from miniprogram/${fallbackRoot}/ to a package file`);
    }
  }

  fs.mkdirSync(fallbackDir, { recursive: true });
  fs.writeFileSync(jsOut, out);
  fs.writeFileSync(glueJsOut, glueJs);
  // Types, so `tsc --checkJs` reads these instead of 1.3 MB of generated JS.
  fs.writeFileSync(
    path.join(fallbackDir, 'core-js.d.ts'),
    `// Generated by scripts/build-fallback.js. Do not edit.
declare const coreJs: {
  instantiate(imports: Record<string, unknown>): Record<string, any>;
  importModule: string;
  exportNames: string[];
  wasmSha256: string;
  legalizedI64Import(fn: (...args: unknown[]) => unknown, spec: string): (...args: number[]) => unknown;
};
export = coreJs;
`,
  );
  fs.writeFileSync(
    path.join(fallbackDir, 'glue-js.d.ts'),
    `// Generated by scripts/build-fallback.js. Do not edit. Same surface as core/glue.js.
import createGlue = require('../core/glue.js');
export = createGlue;
`,
  );
  // An older build put the JS engine into the main package: remove it.
  for (const stale of ['core-js.js', 'glue-js.js']) fs.rmSync(path.join(coreDir, stale), { force: true });
  fs.rmSync(tmp, { recursive: true, force: true });

  // 7. Sizes.
  const outBuf = Buffer.from(out);
  const br = brotli(outBuf);
  const wasmBr = path.join(coreDir, 'core.wasm.br');
  const sizes = packageSizes(pkgDir);
  const fb = sizes.subpackages.find((sp) => sp.root === fallbackRoot);
  console.log(
    `build-fallback: wasm2js ${flags.join(' ')}: ${kb(rawBytes)} raw -> ${fallbackRoot}/core-js.js ${outBuf.length} B (${kb(outBuf.length)}), ` +
      `brotli ${br.length} B (${kb(br.length)}); build/core.wasm ${wasmBytes.length} B, core/core.wasm.br ` +
      `${fs.existsSync(wasmBr) ? fs.statSync(wasmBr).size : '-'} B; glue-js.js ${Buffer.byteLength(glueJs)} B ` +
      `(${patchedViews} memory views patched); adapted i64 imports: ${Object.keys(i64Imports).join(', ') || 'none'}`,
  );
  console.log(
    `build-fallback: main package ${sizes.main.bytes} B (${kb(sizes.main.bytes)}), subpackage ${fallbackRoot}/ ${fb.bytes} B ` +
      `(${kb(fb.bytes)}); limit ${kb(sizes.limit)} each`,
  );
  for (const problem of sizes.problems) {
    console.warn(`build-fallback: WARNING: ${problem}; devtools will refuse to upload it (tests/package-size.test.js fails)`);
  }
}

main().catch((e) => fail(e && e.stack ? e.stack : String(e)));
