'use strict';
// One WeCom client in the phone frame (an iframe of the simulator page): the real reference
// mini program (app.js, pages, components, shell) on the wx / wx.qy of tests/runtime/lib
// (wx.js, qy.js, api.js: reused unchanged, on a real-time clock), the real wasm core through
// WXWebAssembly, and j-component rendering. "Kill & relaunch" reloads this frame: memory is
// gone, while storage, login state and the fixture backend live in the panel (the parent page).

const { makeWx } = require('../../tests/runtime/lib/wx');
const { fail } = require('../../tests/runtime/lib/api');
const { copyForLog } = require('../../tests/runtime/lib/util');
const { LogicLayer, hasWXWebAssembly, hasRequireAsync } = require('./logic');
const { RenderLayer } = require('./render');
const paths = require('./paths');

/** Timers on the real clock, with the interface of tests/runtime/lib/scheduler.js. */
class RealScheduler {
  constructor(onError) {
    this.timers = new Map();
    this.onError = onError;
    this.stopped = false;
  }

  get now() {
    return Date.now();
  }

  add(fn, delayMs, { repeat = false, label = '' } = {}) {
    let delay = Number(delayMs);
    if (!Number.isFinite(delay) || delay < 0) delay = 0;
    const run = () => {
      if (this.stopped) return;
      if (!repeat) this.timers.delete(id);
      try {
        fn();
      } catch (e) {
        this.onError(`runtime timer ${label}`, e);
      }
    };
    const id = repeat ? setInterval(run, Math.max(1, delay)) : setTimeout(run, delay);
    this.timers.set(id, repeat);
    return id;
  }

  clear(id) {
    const repeat = this.timers.get(id);
    if (repeat === undefined) return;
    this.timers.delete(id);
    (repeat ? clearInterval : clearTimeout)(id);
  }

  stop() {
    this.stopped = true;
    for (const id of [...this.timers.keys()]) this.clear(id);
  }
}

/** device.storage as wx.js uses it (a Map), kept as JSON text in the panel's Map. */
class JsonMap {
  constructor(backing) {
    this.backing = backing;
  }

  has(k) { return this.backing.has(k); }

  get(k) {
    const v = this.backing.get(k);
    return v === undefined ? undefined : JSON.parse(v);
  }

  set(k, v) {
    this.backing.set(k, v === undefined ? 'null' : JSON.stringify(v));
    return this;
  }

  delete(k) { return this.backing.delete(k); }

  clear() { this.backing.clear(); }

  keys() { return [...this.backing.keys()][Symbol.iterator](); }

  get size() { return this.backing.size; }

  * [Symbol.iterator]() {
    for (const k of [...this.backing.keys()]) yield [k, this.get(k)];
  }
}

/** A log array that also feeds the panel's effects log. */
function logList(rt, kind, filter) {
  const list = [];
  list.push = function push(...items) {
    for (const entry of items) {
      Array.prototype.push.call(list, entry);
      if (!filter || filter(entry)) rt.timeline.push({ seq: ++rt.seq, kind, entry });
      if (kind === 'toast') rt.onUi(entry);
    }
    rt.notify();
    return list.length;
  };
  return list;
}

const DEFAULT_SCENARIO = {
  host: 'wecom',
  platform: 'android',
  clientVersion: '4.1.36',
  wechatVersion: '8.0.50',
  sdkVersion: '3.4.0',
  environmentFlaky: false,
  entry: 'single_chat_tools',
  permission: true,
  allowList: true,
  sessionValid: true,
  network: true,
  networkType: 'wifi',
  latencyMs: 0,
  results: {},
  storageLimitBytes: 10 * 1024 * 1024,
  storageItemLimitBytes: 1024 * 1024,
  modal: 'confirm',
  scene: 1001,
  appId: 'wx0123456789abcdef',
  envVersion: 'develop',
};

class PhoneRuntime {
  constructor({ scenario, device, backend, notify, container, ui }) {
    this.scenario = Object.assign({}, DEFAULT_SCENARIO, scenario || {});
    if (!this.scenario.results) this.scenario.results = {};
    this.seq = 0;
    this.timeline = [];
    this.errors = [];
    this.warnings = [];
    this.notifyHost = notify || (() => {});
    this.ui = ui || {};
    this.sched = new RealScheduler((type, e) => this.reportError(type, e));
    this.log = {
      qy: logList(this, 'qy'),
      wx: logList(this, 'wx', (e) => !/^(getSystemInfoSync|getStorageInfoSync|getStorageSync|canIUse)$/.test(e.api)),
      requests: logList(this, 'request'),
      backend: logList(this, 'backend'),
      setData: logList(this, 'setData'),
      storage: logList(this, 'storage', (e) => e.op !== 'get'),
      storageCalls: [],
      console: logList(this, 'console'),
      toasts: logList(this, 'toast', () => false), // shown in the frame; the wx log has the calls
      wasm: logList(this, 'wasm'),
      wasmInstantiations: 0,
      lifecycle: [],
      requireAsync: logList(this, 'requireAsync'),
      errors: logList(this, 'error'),
      warnings: logList(this, 'warning'),
    };
    this.listeners = { networkStatus: [], appShow: [], appHide: [], error: [], unhandledRejection: [] };
    this.definitions = new Map();
    this.stack = [];
    this.appDef = undefined;
    this.appJson = null;
    this.currentFile = null;
    this.loggedInHere = false;
    this.dead = false;
    this.device = {
      storage: new JsonMap(device.storage),
      session: device.session,
      get clipboard() { return device.clipboard; },
      set clipboard(v) { device.clipboard = v; },
    };
    const rt = this;
    this.scenario.backend = (req) => {
      const r = JSON.parse(JSON.stringify(backend(JSON.parse(JSON.stringify(req)))));
      const m = String(req.url).match(/^https?:\/\/[^/]+([^?]*)/);
      const header = req.header || {};
      const key = Object.keys(header).find((k) => k.toLowerCase() === 'idempotency-key');
      rt.log.backend.push({
        method: req.method, path: m ? m[1] : req.url, url: req.url, body: req.data, idempotencyKey: key ? header[key] : null,
        status: r.statusCode, response: r.data, t: rt.sched.now,
      });
      return r;
    };
    // the logic layer's object helpers, as wx.js/api.js expect them (one realm here)
    this.logic = new LogicLayer(this);
    this.logic.toCtx = (v) => {
      const s = v === undefined ? undefined : JSON.stringify(v);
      return s === undefined ? undefined : JSON.parse(s);
    };
    this.logic.ctxError = (message, extra) => Object.assign(new Error(message), extra || {});
    this.logic.Promise = Promise;
    this.logic.Object = Object;
    this.logic.Array = Array;
    this.router = (kind, o) => rt.navigate(kind, o);
    const consoleObj = {};
    for (const level of ['log', 'info', 'warn', 'error', 'debug']) {
      consoleObj[level] = (...args) => {
        const text = args.map((a) => (typeof a === 'string' ? a : safeJson(a))).join(' ');
        rt.log.console.push({ level, text, t: rt.sched.now });
        (console[level] || console.log).call(console, `[logic] ${text}`);
      };
    }
    consoleObj.group = consoleObj.log;
    consoleObj.groupEnd = () => {};
    consoleObj.trace = consoleObj.debug;
    consoleObj.table = consoleObj.log;
    consoleObj.time = () => {};
    consoleObj.timeEnd = () => {};
    consoleObj.assert = (cond, ...args) => { if (!cond) consoleObj.error('Assertion failed:', ...args); };
    this.wx = makeWx(this);
    this.globals = {
      App(def) {
        if (rt.appDef) throw new Error('App() can only be called once');
        rt.appDef = def;
      },
      getApp() { return rt.appDef; },
      Page(def) { rt.capture('Page', def); },
      Component(def) { rt.capture('Component', def); },
      Behavior(def) { return def; },
      getCurrentPages() { return rt.stack.map((p) => p.caller); },
      wx: this.wx,
      WXWebAssembly: hasWXWebAssembly(this.scenario) ? this.logic.makeWXWebAssembly() : undefined,
      console: consoleObj,
      requirePlugin: undefined,
    };
    this.logic.setGlobals(this.globals);
    this.render = new RenderLayer(this, container);
  }

  // ------------------------------------------------------------------ plumbing (as tests/runtime)
  notify(what) {
    this.notifyHost(what);
  }

  warn(text) {
    this.warnings.push(text);
    this.log.warnings.push({ text, t: this.sched.now });
    console.warn(`[sim] ${text}`);
  }

  capture(kind, def) {
    if (!this.currentFile || !this.currentFile.endsWith('.js')) throw new Error(`${kind}() must be called at the top level of a page or component file`);
    const rel = this.currentFile.slice(0, -3);
    if (this.definitions.has(rel)) throw new Error(`${kind}() called twice in ${this.currentFile}`);
    if (!def || typeof def !== 'object') throw new Error(`${kind}() expects an object (in ${this.currentFile})`);
    this.definitions.set(rel, { kind, def });
  }

  loadDefinition(rel) {
    if (!this.definitions.has(rel)) {
      this.logic.load(`${rel}.js`);
      if (!this.definitions.has(rel)) throw new Error(`WeCom simulator: ${rel}.js did not call Page() or Component()`);
    }
    return this.definitions.get(rel);
  }

  track(promise) {
    return promise;
  }

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

  reportError(type, err) {
    const message = err && typeof err === 'object' && 'message' in err ? String(err.message) : String(err);
    const entry = { type, message, stack: err && err.stack, t: this.sched.now };
    this.errors.push(entry);
    this.log.errors.push(entry);
    console.error(`[sim] ${type}: ${(err && err.stack) || message}`);
    if (this.inErrorHandler || this.dead) return;
    this.inErrorHandler = true;
    try {
      const text = (err && err.stack) || message;
      if (type === 'unhandledrejection') {
        if (this.appDef && typeof this.appDef.onUnhandledRejection === 'function') this.appDef.onUnhandledRejection({ reason: err });
        for (const cb of this.listeners.unhandledRejection) cb({ reason: err });
      } else {
        if (this.appDef && typeof this.appDef.onError === 'function') this.appDef.onError(text);
        for (const cb of this.listeners.error) cb(text);
      }
    } catch (e) {
      this.errors.push({ type: 'error handler', message: e.message, t: this.sched.now });
    } finally {
      this.inErrorHandler = false;
    }
  }

  get currentPage() {
    return this.stack[this.stack.length - 1];
  }

  get page() {
    const p = this.currentPage;
    return p ? p.caller : undefined;
  }

  allRoutes() {
    const j = this.appJson || {};
    const routes = [...(j.pages || [])];
    for (const sp of j.subpackages || j.subPackages || []) {
      for (const p of sp.pages || []) routes.push(paths.join(sp.root, p));
    }
    return routes;
  }

  enterOptions() {
    const p = this.currentPage;
    return Object.assign({}, this.launchOptions, p ? { path: p.rel, query: p.query || {} } : {});
  }

  openPage(route, query) {
    const page = this.render.createPage(route, query);
    this.stack.push(page);
    this.ui.onPages && this.ui.onPages(this);
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

  navigate(kind, o) {
    const cur = this.currentPage;
    if (kind === 'navigateBack') {
      const delta = Math.max(1, Number(o.delta) || 1);
      if (this.stack.length <= 1) fail('cannot navigate back at first page.');
      const n = Math.min(delta, this.stack.length - 1);
      for (let i = 0; i < n; i++) this.unloadPage(this.stack.pop());
      this.showPage(this.currentPage);
      this.ui.onPages && this.ui.onPages(this);
      return {};
    }
    if (typeof o.url !== 'string' || !o.url) fail('parameter error: parameter.url should be String');
    const { route, query } = paths.parseUrl(o.url, cur && cur.rel);
    if (!this.allRoutes().includes(route)) fail(`page "${route}" is not found`);
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

  // ------------------------------------------------------------------ what the panel drives
  launch() {
    this.appJson = this.logic.readJson('app.json');
    if (!this.appJson || !Array.isArray(this.appJson.pages) || !this.appJson.pages.length) {
      throw new Error('WeCom simulator: app.json with a non-empty "pages" list is required');
    }
    // the app-level styles: global (every component here sets addGlobalClass)
    const appCss = this.logic.readFile('app.wxss');
    if (appCss) this.render.addStyle(require('./wxss').compile(appCss), 'app.wxss');
    const start = this.scenario.launchPath ? paths.parseUrl(this.scenario.launchPath) : { route: this.appJson.pages[0], query: {} };
    if (!this.allRoutes().includes(start.route)) throw new Error(`WeCom simulator: page "${start.route}" is not in app.json`);
    this.launchOptions = { path: start.route, query: start.query, scene: this.scenario.scene, referrerInfo: {} };
    if (this.scenario.shareTicket) this.launchOptions.shareTicket = this.scenario.shareTicket;
    if (this.logic.exists('app.js')) this.logic.load('app.js');
    if (this.appDef) {
      this.lifecycle(this.appDef, 'onLaunch', copyForLog(this.launchOptions), 'app');
      this.lifecycle(this.appDef, 'onShow', copyForLog(this.launchOptions), 'app');
    }
    this.openPage(start.route, start.query);
    this.notify();
  }

  hide() {
    if (this.appDef) this.lifecycle(this.appDef, 'onHide', undefined, 'app');
    for (const cb of [...this.listeners.appHide]) this.callUser(cb, undefined, 'onAppHide listener');
    if (this.currentPage) this.hidePage(this.currentPage);
    this.notify();
  }

  show() {
    const opts = this.enterOptions();
    if (this.appDef) this.lifecycle(this.appDef, 'onShow', copyForLog(opts), 'app');
    for (const cb of [...this.listeners.appShow]) this.callUser(cb, copyForLog(opts), 'onAppShow listener');
    if (this.currentPage) this.showPage(this.currentPage);
    this.notify();
  }

  setNetwork(up) {
    this.scenario.network = !!up;
    const res = { isConnected: !!up, networkType: up ? this.scenario.networkType : 'none' };
    this.sched.add(() => {
      for (const cb of [...this.listeners.networkStatus]) this.callUser(cb, copyForLog(res), 'onNetworkStatusChange listener');
    }, 0, { label: 'networkStatusChange' });
  }

  /** Live scenario changes from the panel (those read at call time take effect at once). */
  update(patch) {
    const p = JSON.parse(JSON.stringify(patch || {}));
    if ('network' in p) {
      const up = !!p.network;
      delete p.network;
      if (up !== this.scenario.network) this.setNetwork(up);
    }
    Object.assign(this.scenario, p);
  }

  pageData() {
    const p = this.page;
    return p ? JSON.parse(JSON.stringify(p.data)) : null;
  }

  text() {
    const p = this.currentPage;
    return p ? this.render.text(p) : '';
  }

  features() {
    return {
      WXWebAssembly: !!this.globals.WXWebAssembly,
      requireAsync: hasRequireAsync(this.scenario),
      qy: this.wx.qy ? Object.keys(this.wx.qy).filter((k) => typeof this.wx.qy[k] === 'function') : [],
    };
  }

  dispose() {
    this.dead = true;
    this.sched.stop();
  }
}

function safeJson(v) {
  try {
    return JSON.stringify(copyForLog(v));
  } catch (e) {
    return String(v);
  }
}

// ---------------------------------------------------------------------- boot (in the frame)
function boot() {
  const host = window.parent && window.parent !== window ? window.parent.__simHost : null;
  const pagesEl = document.getElementById('pages');
  if (!host) {
    pagesEl.textContent = 'Open the simulator page (/) — this frame is its phone.';
    return;
  }
  const titleEl = document.getElementById('nav-title');
  const backEl = document.getElementById('nav-back');
  const toastEl = document.getElementById('toast');
  let toastTimer = null;
  const showToast = (text, ms) => {
    toastEl.textContent = text;
    toastEl.hidden = false;
    clearTimeout(toastTimer);
    if (ms) toastTimer = setTimeout(() => { toastEl.hidden = true; }, ms);
  };
  const setup = host.phoneSetup();
  const rt = new PhoneRuntime({
    scenario: setup.scenario,
    device: setup.device,
    backend: setup.backend,
    notify: (what) => host.phoneChanged(what),
    container: pagesEl,
    ui: {
      onPages(r) {
        const p = r.currentPage;
        const win = (r.appJson && r.appJson.window) || {};
        titleEl.textContent = (p && p.json && p.json.navigationBarTitleText) || win.navigationBarTitleText || '';
        backEl.hidden = r.stack.length <= 1;
      },
    },
  });
  rt.onUi = (e) => {
    if (e.type === 'toast') showToast(e.title || '', Number(e.duration) || 1500);
    else if (e.type === 'loading') showToast(e.title || '加载中', 0);
    else if (e.type === 'hideLoading' || e.type === 'hideToast') { toastEl.hidden = true; }
    else if (e.type === 'modal') showToast(`${e.title || ''} ${e.content || ''} → ${e.confirm ? '确定' : '取消'} (auto)`, 1500);
    else if (e.type === 'navigationBarTitle') titleEl.textContent = e.title || '';
  };
  backEl.addEventListener('click', () => rt.wx.navigateBack({ delta: 1, fail: () => {} }));
  window.addEventListener('error', (e) => rt.reportError('uncaught', e.error || e.message));
  window.addEventListener('unhandledrejection', (e) => rt.reportError('unhandledrejection', e.reason));
  window.simPhone = rt;
  host.phoneReady(rt);
  try {
    rt.launch();
  } catch (e) {
    rt.reportError('launch', e);
    pagesEl.textContent = `launch failed: ${e.message}`;
  }
}

if (typeof window !== 'undefined' && typeof document !== 'undefined') {
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', boot);
  else boot();
}

module.exports = { PhoneRuntime, RealScheduler, JsonMap };
