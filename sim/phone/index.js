'use strict';
// One WeCom client in the phone frame (an iframe of the simulator page): the real reference
// mini program (app.js, pages, components, shell) on the wx / wx.qy of tools/runtime/lib
// (wx.js, qy.js, api.js: reused unchanged, on a real-time clock), the real wasm core through
// WXWebAssembly, and j-component rendering. "Kill & relaunch" reloads this frame: memory is
// gone, while storage and login state live in the panel (the parent page).
// Globals, lifecycles, errors, page stack and navigation are tools/runtime/lib/host.js, shared
// with the headless runtime.
// Two things differ from the headless runtime: wx.request goes over real HTTP (the panel's
// request(), to wcc-server through the simulator's /backend proxy, and the package's config.js
// has its backendUrl pointed there), and wx.qy.login returns a code that wecom-double issued
// for the panel's member (the panel's loginCode()).

const { makeWx } = require('../../tools/runtime/lib/wx');
const { copyForLog } = require('../../tools/runtime/lib/util');
const { AppHost, makeConsole } = require('../../tools/runtime/lib/host');
const { asyncApi, fail } = require('../../tools/runtime/lib/api');
const { LogicLayer, hasWXWebAssembly, hasRequireAsync } = require('./logic');
const { RenderLayer } = require('./render');

/** Timers on the real clock, with the interface of tools/runtime/lib/scheduler.js. */
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
  language: 'zh_CN',
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

class PhoneRuntime extends AppHost {
  constructor({ scenario, device, backend, loginCode, notify, container, ui }) {
    super('WeCom simulator');
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
    this.device = {
      storage: new JsonMap(device.storage),
      session: device.session,
      get clipboard() { return device.clipboard; },
      set clipboard(v) { device.clipboard = v; },
    };
    const rt = this;
    // wx.request's transport: real HTTP (the panel's request()); each answer that came back
    // from wcc-server is logged as a 'backend' effect, with the path below /backend.
    this.scenario.backend = async (req) => {
      const copy = JSON.parse(JSON.stringify(req));
      const r = await backend(copy);
      if (rt.dead) return r;
      const m = String(req.url).match(/^https?:\/\/[^/]+(?:\/backend)?([^?]*)/);
      const header = req.header || {};
      const key = Object.keys(header).find((k) => k.toLowerCase() === 'idempotency-key');
      rt.log.backend.push({
        method: req.method, path: m ? m[1] : req.url, url: req.url, body: req.data, idempotencyKey: key ? header[key] : null,
        status: r.statusCode, response: r.data, t: rt.sched.now,
      });
      return r;
    };
    this.logic = new LogicLayer(this);
    const consoleObj = makeConsole((level, args) => {
      const text = args.map((a) => (typeof a === 'string' ? a : safeJson(a))).join(' ');
      rt.log.console.push({ level, text, t: rt.sched.now });
      (console[level] || console.log).call(console, `[logic] ${text}`);
    });
    this.wx = makeWx(this);
    if (this.wx.qy && loginCode) this.wx.qy.login = this.makeLogin(loginCode);
    this.globals = {
      ...this.appGlobals(),
      wx: this.wx,
      WXWebAssembly: hasWXWebAssembly(this.scenario) ? this.logic.makeWXWebAssembly() : undefined,
      console: consoleObj,
      requirePlugin: undefined,
    };
    this.logic.setGlobals(this.globals);
    this.render = new RenderLayer(this, container);
  }

  /**
   * wx.qy.login as tools/runtime/lib/qy.js has it (scenario.results.login still overrides),
   * except that the code comes from loginCode(): one wecom-double issued, so wcc-server's
   * jscode2session call succeeds.
   */
  makeLogin(loginCode) {
    const rt = this;
    const session = this.device.session;
    return asyncApi(this, 'login', (o) => {
      const override = rt.scenario.results && rt.scenario.results.login;
      if (override !== undefined && override !== null) {
        const r = typeof override === 'function' ? override(o, rt.scenario) : override;
        if (r !== 'ok') fail(String(r));
      }
      return Promise.resolve(loginCode()).then((code) => {
        session.loggedIn = true;
        session.codes += 1;
        rt.loggedInHere = true;
        return { code };
      }, (e) => fail(`system error (${e && e.message})`));
    }, { log: this.log.qy, promisify: false });
  }

  // ------------------------------------------------------------------ plumbing (as tools/runtime)
  notify(what) {
    this.notifyHost(what);
  }

  warn(text) {
    this.warnings.push(text);
    this.log.warnings.push({ text, t: this.sched.now });
    console.warn(`[sim] ${text}`);
  }

  track(promise) {
    return promise;
  }

  recordError(type, err, message) {
    const entry = { type, message, stack: err && err.stack, t: this.sched.now };
    this.errors.push(entry);
    this.log.errors.push(entry);
    console.error(`[sim] ${type}: ${(err && err.stack) || message}`);
    reportToServer(type, message, err && err.stack);
  }

  handlerFailed(type, e) {
    this.errors.push({ type, message: e.message, t: this.sched.now });
  }

  pagesChanged() {
    if (this.ui.onPages) this.ui.onPages(this);
  }

  // ------------------------------------------------------------------ what the panel drives
  launch() {
    this.useAppJson(this.logic.readJson('app.json'));
    // the app-level styles: global (every component here sets addGlobalClass)
    const appCss = this.logic.readFile('app.wxss');
    if (appCss) this.render.addStyle(require('./wxss').compile(appCss), 'app.wxss');
    this.startApp(this.scenario.launchPath);
    this.notify();
  }

  hide() {
    this.appHidden();
    this.notify();
  }

  show() {
    this.appShown();
    this.notify();
  }

  setNetwork(up) {
    this.networkChanged(up);
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
    loginCode: setup.loginCode,
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

/**
 * Sends a runtime error to the simulator's server, which maps its stack from the bundle back to
 * the mini program's files and shows it in the page and the terminal (/__sim/runtime-error).
 */
function reportToServer(type, message, stack) {
  if (typeof fetch !== 'function' || typeof location === 'undefined' || !/^https?:$/.test(location.protocol)) return;
  fetch('/__sim/runtime-error', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ type, message: String(message || ''), stack: stack ? String(stack) : '' }),
  }).catch(() => {});
}

module.exports = { PhoneRuntime, RealScheduler, JsonMap };
