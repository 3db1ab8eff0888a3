'use strict';
// What a WeCom client does around the mini program's code, shared by the headless runtime
// (tools/runtime/index.js, on a virtual clock) and the browser simulator (sim/phone/index.js, on
// the real clock): the App/Page/Component/Behavior globals and capturing what Page()/Component()
// define, calling user callbacks and lifecycles, reporting errors to App.onError and the
// wx.onError / wx.onUnhandledRejection listeners, the page stack and wx navigation, launching,
// hiding and showing the app. Browser-safe.
//
// A subclass sets logic (lib/modules.js ModuleLoader with toCtx, ctxError, Array, exists, load),
// render (lib/components.js ComponentLayer), sched, scenario, log.lifecycle and errors, and
// defines recordError(type, err, message); it may override pagesChanged() and handlerFailed().

const paths = require('./paths');
const { fail } = require('./api');

const CONSOLE_LEVELS = ['log', 'info', 'warn', 'error', 'debug'];

/** The logic layer's console: `write(level, args)` for each level, the rest mapped onto them. */
function makeConsole(write) {
  const consoleObj = {};
  for (const level of CONSOLE_LEVELS) {
    consoleObj[level] = (...args) => write(level, args);
  }
  consoleObj.group = consoleObj.log;
  consoleObj.groupEnd = () => {};
  consoleObj.trace = consoleObj.debug;
  consoleObj.table = consoleObj.log;
  consoleObj.time = () => {};
  consoleObj.timeEnd = () => {};
  consoleObj.assert = (cond, ...args) => { if (!cond) consoleObj.error('Assertion failed:', ...args); };
  return consoleObj;
}

function errorMessage(err) {
  return err && typeof err === 'object' && 'message' in err ? String(err.message) : String(err);
}

class AppHost {
  /** @param {string} label prefix of the host's own error messages */
  constructor(label) {
    this.label = label;
    this.listeners = { networkStatus: [], appShow: [], appHide: [], error: [], unhandledRejection: [] };
    this.definitions = new Map(); // rel -> { kind: 'Page' | 'Component', def }
    this.behaviors = new WeakSet();
    this.stack = []; // page stack: { rel, comp, caller, query, json }
    this.appDef = undefined;
    this.appJson = null;
    this.currentFile = null;
    this.loggedInHere = false;
    this.dead = false;
    this.inErrorHandler = false;
    this.router = (kind, o) => this.navigate(kind, o);
  }

  /** The globals App, getApp, Page, Component, Behavior, getCurrentPages. */
  appGlobals() {
    const rt = this;
    return {
      App(def) {
        if (rt.appDef) throw rt.logic.ctxError('App() can only be called once');
        rt.appDef = def;
      },
      getApp() { return rt.appDef; },
      Page(def) { rt.capture('Page', def); },
      Component(def) { rt.capture('Component', def); },
      Behavior(def) { rt.behaviors.add(def); return def; },
      getCurrentPages() {
        const arr = new rt.logic.Array(); // of the app's realm
        rt.stack.forEach((p) => arr.push(p.caller));
        return arr;
      },
    };
  }

  // ------------------------------------------------------------------ definitions
  capture(kind, def) {
    if (!this.currentFile || !this.currentFile.endsWith('.js')) {
      throw this.logic.ctxError(`${kind}() must be called at the top level of a page or component file`);
    }
    const rel = this.currentFile.slice(0, -3);
    if (this.definitions.has(rel)) throw this.logic.ctxError(`${kind}() called twice in ${this.currentFile}`);
    if (!def || typeof def !== 'object') throw this.logic.ctxError(`${kind}() expects an object (in ${this.currentFile})`);
    this.definitions.set(rel, { kind, def });
  }

  /** Require `${rel}.js` in the logic layer and return what it passed to Page()/Component(). */
  loadDefinition(rel) {
    if (!this.definitions.has(rel)) {
      this.logic.load(`${rel}.js`);
      if (!this.definitions.has(rel)) throw new Error(`${this.label}: ${rel}.js did not call Page() or Component()`);
    }
    return this.definitions.get(rel);
  }

  // ------------------------------------------------------------------ calling the app
  callUser(fn, arg, label) {
    if (typeof fn !== 'function' || this.dead) return undefined;
    try {
      return fn(arg);
    } catch (e) {
      this.reportError(label, e);
      return undefined;
    }
  }

  lifecycle(target, name, arg, label) {
    this.log.lifecycle.push({ target: label, hook: name, t: this.sched.now });
    const fn = target && target[name];
    if (typeof fn !== 'function') return undefined;
    try {
      return fn.call(target, arg);
    } catch (e) {
      this.reportError(`${label} ${name}`, e);
      return undefined;
    }
  }

  /** Record an error, then hand it to App.onError / onUnhandledRejection and the wx listeners. */
  reportError(type, err) {
    const message = errorMessage(err);
    this.recordError(type, err, message);
    if (this.inErrorHandler || this.dead) return;
    this.inErrorHandler = true;
    try {
      const text = (err && err.stack) || message;
      if (type === 'unhandledrejection') {
        const payload = { reason: err };
        if (this.appDef && typeof this.appDef.onUnhandledRejection === 'function') {
          try { this.appDef.onUnhandledRejection(payload); } catch (e) { this.handlerFailed('App.onUnhandledRejection', e); }
        }
        for (const cb of this.listeners.unhandledRejection) {
          try { cb(payload); } catch (e) { this.handlerFailed('onUnhandledRejection listener', e); }
        }
      } else {
        if (this.appDef && typeof this.appDef.onError === 'function') {
          try { this.appDef.onError(text); } catch (e) { this.handlerFailed('App.onError', e); }
        }
        for (const cb of this.listeners.error) {
          try { cb(text); } catch (e) { this.handlerFailed('onError listener', e); }
        }
      }
    } finally {
      this.inErrorHandler = false;
    }
  }

  /** An error handler (App.onError, a listener) threw. */
  handlerFailed(type, e) {
    this.errors.push({ type, message: e.message, error: e });
  }

  // ------------------------------------------------------------------ pages
  get currentPage() {
    return this.stack[this.stack.length - 1];
  }

  /** The current page instance (this of its methods): .data, .setData, methods. */
  get page() {
    const p = this.currentPage;
    return p ? p.caller : undefined;
  }

  /** The page stack changed. */
  pagesChanged() {}

  allRoutes() {
    const j = this.appJson || {};
    const routes = [...(j.pages || [])];
    for (const sp of j.subpackages || j.subPackages || []) {
      for (const p of sp.pages || []) routes.push(paths.join(sp.root, p));
    }
    return routes;
  }

  openPage(route, query) {
    this.logic.markLoaded(`${route}.js`); // opening a subpackage page downloads that subpackage
    // On the stack before its onLoad, as getCurrentPages() shows on real clients.
    const page = this.render.createPage(route, query, (p) => this.stack.push(p));
    this.pagesChanged();
    return page;
  }

  unloadPage(page) {
    this.lifecycle(page.caller, 'onUnload', undefined, page.rel);
    this.render.detachPage(page);
  }

  hidePage(page) {
    this.lifecycle(page.caller, 'onHide', undefined, page.rel);
    this.render.pageLifetime(page, 'hide');
  }

  showPage(page) {
    this.render.showPageDom(page);
    this.lifecycle(page.caller, 'onShow', undefined, page.rel);
    this.render.pageLifetime(page, 'show');
  }

  /** wx.navigateTo / redirectTo / navigateBack / reLaunch / switchTab (runs at delivery time). */
  navigate(kind, o) {
    const cur = this.currentPage;
    if (kind === 'navigateBack') {
      const delta = Math.max(1, Number(o.delta) || 1);
      if (this.stack.length <= 1) fail('cannot navigate back at first page.');
      const n = Math.min(delta, this.stack.length - 1);
      for (let i = 0; i < n; i++) this.unloadPage(this.stack.pop());
      this.showPage(this.currentPage);
      this.pagesChanged();
      return {};
    }
    if (typeof o.url !== 'string' || !o.url) fail('parameter error: parameter.url should be String');
    const { route, query } = paths.parseUrl(o.url, cur && cur.rel);
    if (!this.allRoutes().includes(route)) fail(`page "${route}" is not found`);
    // A subpackage the client cannot download (scenario.subpackageErrors): its pages do not open.
    const downloadFailure = this.logic.downloadFailure(this.logic.subpackageOf(`${route}.js`));
    if (downloadFailure) fail(downloadFailure);
    const tabs = ((this.appJson && this.appJson.tabBar && this.appJson.tabBar.list) || []).map((t) => t.pagePath.replace(/^\//, ''));
    if (kind === 'switchTab' && !tabs.includes(route)) fail('can not switch to no-tabBar page');
    if ((kind === 'navigateTo' || kind === 'redirectTo') && tabs.includes(route)) fail('can not navigateTo a tabbar page');
    if (kind === 'navigateTo') {
      if (this.stack.length >= 10) fail('webview count limit exceed');
      if (cur) this.hidePage(cur);
    } else if (kind === 'redirectTo') {
      if (cur) this.unloadPage(this.stack.pop());
    } else {
      while (this.stack.length) this.unloadPage(this.stack.pop());
    }
    this.openPage(route, kind === 'switchTab' ? {} : query);
    return {};
  }

  enterOptions() {
    const p = this.currentPage;
    return Object.assign({}, this.launchOptions, p ? { path: p.rel, query: p.query || {} } : {});
  }

  // ------------------------------------------------------------------ the app
  /** Take app.json (parsed, or null); it must list pages. */
  useAppJson(json) {
    this.appJson = json;
    if (!this.appJson || !Array.isArray(this.appJson.pages) || !this.appJson.pages.length) {
      throw new Error(`${this.label}: app.json with a non-empty "pages" list is required`);
    }
  }

  /** app.js onLaunch/onShow, then the first page (startPath or app.json's first) is opened. */
  startApp(startPath, query, scene) {
    const target = startPath ? paths.parseUrl(startPath) : { route: this.appJson.pages[0], query: {} };
    const q = Object.assign({}, target.query, query || {});
    if (!this.allRoutes().includes(target.route)) throw new Error(`${this.label}: page "${target.route}" is not in app.json`);
    this.launchOptions = { path: target.route, query: q, scene: scene === undefined ? this.scenario.scene : scene, referrerInfo: {} };
    if (this.scenario.shareTicket) this.launchOptions.shareTicket = this.scenario.shareTicket;
    if (this.logic.exists('app.js')) this.logic.load('app.js');
    if (this.appDef) {
      this.lifecycle(this.appDef, 'onLaunch', this.logic.toCtx(this.launchOptions), 'app');
      this.lifecycle(this.appDef, 'onShow', this.logic.toCtx(this.launchOptions), 'app');
    }
    this.openPage(target.route, q);
  }

  /** App goes to background: App.onHide, wx.onAppHide listeners, page onHide. */
  appHidden() {
    if (this.appDef) this.lifecycle(this.appDef, 'onHide', undefined, 'app');
    for (const cb of [...this.listeners.appHide]) this.callUser(cb, undefined, 'onAppHide listener');
    if (this.currentPage) this.hidePage(this.currentPage);
  }

  /** App comes back: App.onShow(options), wx.onAppShow listeners, page onShow. */
  appShown() {
    const opts = this.enterOptions();
    this.enterOptionsValue = opts;
    if (this.appDef) this.lifecycle(this.appDef, 'onShow', this.logic.toCtx(opts), 'app');
    for (const cb of [...this.listeners.appShow]) this.callUser(cb, this.logic.toCtx(opts), 'onAppShow listener');
    if (this.currentPage) this.showPage(this.currentPage);
  }

  /** Change connectivity; wx.onNetworkStatusChange listeners hear it in a 0 ms timer. */
  networkChanged(up) {
    this.scenario.network = !!up;
    const res = { isConnected: !!up, networkType: up ? this.scenario.networkType : 'none' };
    this.sched.add(() => {
      for (const cb of [...this.listeners.networkStatus]) this.callUser(cb, this.logic.toCtx(res), 'onNetworkStatusChange listener');
    }, 0, { internal: true, label: 'networkStatusChange' });
  }
}

module.exports = { AppHost, makeConsole, errorMessage };
