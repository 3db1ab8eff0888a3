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
// `fallback` subpackage (app.json), which main-package code may not plainly
// require. Two ways in:
//  - require.async (分包异步化): base library >= 2.11.2 AND WeCom Android
//    >= 3.1.23 / iOS >= 4.0.8 (WeChat Android 7.0.13 / iOS 7.0.12);
//  - else (or if it rejects) the boot page: wx.navigateTo the subpackage's
//    page fallback/pages/engine/engine?boot=1, which requires the two files
//    (legal inside its own subpackage), hands them over with
//    provideFallback() and navigates back. WeCom iOS 3.1.8 (base library
//    2.12.3, no WXWebAssembly, no require.async) boots this way, with a brief
//    flash. Called from App.onLaunch, when no page exists yet, it waits
//    for the first page (and retries a failed navigateTo) for up to 10 s.
// require.async rejects with a plain `{ mod, errMsg }` (documented by
// WeChat), not an Error: the errMsg and mod are what the error says. When it
// rejected, the client could not get the subpackage (its download failed),
// and the boot page lives in that same subpackage: it gets one navigateTo,
// not the retries, which would only repeat that download for 10 s (about
// 15 s on a device) with the user on the loading page.
// Once loaded, the two modules are kept: a core rebuilt after a trap does
// not navigate again.
// `engine` ('wasm' | 'js'), `reason` and `loader` ('require.async' |
// 'boot-page') are for support tickets: see lastLoad() and the page
// fallback/pages/engine/engine.
// Each load builds a fresh glue and a fresh instance, so a core rebuilt after
// a trap never sees the poisoned instance's memory.
'use strict';

const manifest = require('../core/manifest.js');
const createGlue = require('../core/glue.js');

// Where the kit sits in the code package ('/' in the reference mini program;
// the package's install step writes its own folder into the manifest).
const ROOT = typeof manifest.root === 'string' && manifest.root ? manifest.root : '/';
const JS_PATH = `${ROOT}fallback/core-js.js`;

// Why WXWebAssembly was given up on, once it failed in this process: a core
// rebuilt after a trap then goes straight to the JS build.
let wasmFailure = null;

/** @type {{ engine: string, path: string | null, reason: string | null, error: string | null, loader: string | null } | null} */
let last = null;

function hasWxWebAssembly() {
  return typeof WXWebAssembly !== 'undefined' && !!WXWebAssembly && typeof WXWebAssembly.instantiate === 'function';
}

/**
 * What a rejection says: an Error's message, or the errMsg (and mod) of a
 * wx-style failure object such as require.async's `{ mod, errMsg }`; never
 * "[object Object]".
 * @param {any} err
 */
function message(err) {
  if (err && typeof err === 'object') {
    if (typeof err.message === 'string' && err.message) return err.message;
    if (typeof err.errMsg === 'string' && err.errMsg) {
      return typeof err.mod === 'string' && err.mod ? `${err.errMsg} (module ${err.mod})` : err.errMsg;
    }
    try {
      const json = JSON.stringify(err);
      if (json && json !== '{}') return json;
    } catch (e) {
      // a cycle: say what String() says
    }
  }
  return String(err);
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

const BOOT_ROUTE = `${ROOT.slice(1)}fallback/pages/engine/engine`;
const BOOT_URL = `/${BOOT_ROUTE}?boot=1`;
const BOOT_RETRY_MS = 100; // poll for the first page, or retry a failed navigateTo
const BOOT_TRIES = 100; // 10 s in all
const BOOT_REPORT_MS = 30000; // the page opened (subpackage downloaded) but never reported

/** `{ mods: [coreJs, createGlueJs], loader }` once the JS engine's modules are in hand. */
let fallback = null;

/** The boot-page attempt under way (shared by concurrent loads), or null. */
let boot = null;

/** Where the boot page returns to if navigateBack cannot (the page it was opened from). */
let bootFrom = null;

/** require.async of the two modules; rejects when the client has no require.async. */
function viaRequireAsync() {
  if (typeof require.async !== 'function') return Promise.reject(new Error('this client has no require.async'));
  try {
    // Literal paths, so devtools sees them.
    return Promise.all([require.async('../fallback/core-js.js'), require.async('../fallback/glue-js.js')]);
  } catch (err) {
    return Promise.reject(err);
  }
}

function pageStack() {
  try {
    return typeof getCurrentPages === 'function' ? getCurrentPages() || [] : [];
  } catch (err) {
    return [];
  }
}

/**
 * Opens the boot page and waits for it to call provideFallback(); resolves
 * with the modules. It waits for the first page and retries a failed
 * navigateTo (`retryNavigation`: the boot page is this client's way in), or
 * gives up on the first failed navigateTo (require.async already failed to
 * get the subpackage).
 * @param {boolean} [retryNavigation]
 */
function viaBootPage(retryNavigation = true) {
  if (boot) return boot.promise;
  /** @type {any} */
  const state = { done: false, timer: null, tries: 0 };
  state.promise = new Promise((resolve, reject) => {
    state.finish = (err, mods) => {
      if (state.done) return;
      state.done = true;
      if (state.timer !== null) clearTimeout(state.timer);
      if (boot === state) boot = null;
      if (err) reject(err);
      else resolve(mods);
    };
  });
  const again = (why) => {
    if (state.done) return;
    if (state.tries >= BOOT_TRIES) {
      state.finish(new Error(`boot page: ${why} (gave up after ${state.tries} tries)`));
      return;
    }
    state.timer = setTimeout(attempt, BOOT_RETRY_MS);
  };
  const attempt = () => {
    state.timer = null;
    if (state.done) return;
    state.tries += 1;
    const pages = pageStack();
    // App.onLaunch runs before the first page exists: wait for it.
    if (!pages.length) return again('no page is open yet');
    const top = pages[pages.length - 1];
    if (top && top.route && top.route !== BOOT_ROUTE) bootFrom = `/${top.route}`;
    try {
      wx.navigateTo({
        url: BOOT_URL,
        success: () => {
          if (!state.done) {
            state.timer = setTimeout(
              () => state.finish(new Error(`boot page: opened, but it did not report within ${BOOT_REPORT_MS} ms`)),
              BOOT_REPORT_MS,
            );
          }
        },
        fail: (res) => {
          const why = (res && res.errMsg) || 'navigateTo:fail';
          if (retryNavigation) again(why);
          else state.finish(new Error(`boot page: ${why}`));
        },
      });
    } catch (err) {
      again(message(err));
    }
    return undefined;
  };
  boot = state;
  attempt();
  return state.promise;
}

/**
 * Called by fallback/pages/engine/engine when it loads with ?boot=1:
 * `{ coreJs, createGlueJs }`, or `{ error }` when it could not require them.
 */
function provideFallback(o) {
  const given = o || {};
  if (given.error || !given.coreJs || typeof given.createGlueJs !== 'function') {
    const err = new Error(`boot page: ${given.error || 'the JS engine modules are missing'}`);
    if (boot) boot.finish(err);
    return;
  }
  const mods = [given.coreJs, given.createGlueJs];
  if (!fallback) fallback = { mods, loader: 'boot-page' };
  if (boot) boot.finish(null, mods);
}

/** Where the boot page goes when navigateBack fails (it was the first page). */
function bootReturnUrl() {
  return bootFrom || '/pages/index/index';
}

/**
 * The fallback subpackage's two modules, `[coreJs, createGlueJs]`, and how
 * they were loaded: require.async where the client has it, else (or if it
 * rejects) the boot page.
 */
function requireFallback() {
  if (fallback) return Promise.resolve(fallback);
  return viaRequireAsync().then(
    (mods) => {
      fallback = fallback || { mods, loader: 'require.async' };
      return { mods, loader: 'require.async' };
    },
    (asyncErr) =>
      viaBootPage(typeof require.async !== 'function').then(
        (mods) => ({ mods, loader: 'boot-page' }),
        (bootErr) => {
          throw new Error(`require.async: ${message(asyncErr)}; ${message(bootErr)}`);
        },
      ),
  );
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
 * or fails, `{ Core, engine: 'js', path: '/fallback/core-js.js', reason, loader }`
 * (`loader`: 'require.async' or 'boot-page').
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

module.exports = { loadCore, lastLoad, hasWxWebAssembly, provideFallback, bootReturnUrl, BOOT_ROUTE, manifest };
