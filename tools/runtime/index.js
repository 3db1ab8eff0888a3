'use strict';
// Headless WeCom mini-program runtime for the jest tests (and, through lib/, the simulator).
// See tools/runtime/README.md.
//
//   const { createRuntime } = require('../tools/runtime'); // from a test in tests/
//   const rt = createRuntime({ packageDir, scenario });
//   await rt.launch();
//   expect(rt.text()).toContain('...');
//   expect(rt.errors).toEqual([]);

const fs = require('fs');
const path = require('path');
const { setImmediate: hostSetImmediate, setTimeout: hostSetTimeout, clearTimeout: hostClearTimeout } = require('timers');
const { Scheduler } = require('./lib/scheduler');
const { LogicLayer } = require('./lib/logic');
const { hasWXWebAssembly } = require('./lib/features');
const { RenderLayer } = require('./lib/render');
const { AppHost } = require('./lib/host');
const { parseUrl } = require('./lib/paths');
const { makeWx } = require('./lib/wx');
const { trackContext } = require('./lib/promises');
const { QY_MIN_VERSION } = require('./lib/qy');
const { packageSizes, subpackageRoots, PACKAGE_LIMIT_BYTES } = require('./lib/packages');

const START_TIME = Date.parse('2026-11-23T09:00:00+08:00');

const DEFAULT_SCENARIO = {
  flavour: 'android', // 'android' | 'ios' | 'old' | 'broken'
  host: 'wecom', // 'wecom' | 'wechat'
  platform: undefined, // default: 'ios' for the ios flavour, else 'android'
  clientVersion: '4.1.36',
  wechatVersion: '8.0.50',
  sdkVersion: undefined, // default: '2.12.3' for the old flavour, else '3.4.0'
  language: 'zh_CN', // wx.getSystemInfo().language: the member's WeChat/WeCom language ('en', 'zh_CN', …)
  environmentFlaky: false,
  entry: 'single_chat_tools',
  shareTicket: undefined,
  externalUserId: 'wmAbCdEfGhIjKlMnOpQrStUvWxYz012345',
  chatId: 'wrAbCdEfGhIjKlMnOpQrStUvWxYz0123',
  corpGroupCorpId: 'wwPartnerCorp00001', // getCurCorpGroupContact (chain_single_chat_tools)
  corpGroupUserId: 'wangli',
  corpGroupChatId: 'wrChainGroup0001', // getCurCorpGroupChat (chain_group_chat_tools)
  permission: true,
  allowList: true,
  sessionValid: true,
  network: true,
  networkType: 'wifi',
  latencyMs: 0,
  backend: undefined,
  selectContacts: undefined, // default: [externalUserId]; or 'cancel'
  // wx.chooseMedia: the picture the member picks ({ tempFilePath, size }), or 'cancel' / 'deny'.
  pickedMedia: { tempFilePath: 'wxfile://tmp_photo_0001.jpg', size: 182044, fileType: 'image' },
  results: {},
  storageLimitBytes: 10 * 1024 * 1024,
  storageItemLimitBytes: 1024 * 1024,
  modal: 'confirm', // showModal answer: 'confirm' | 'cancel'
  actionSheetIndex: undefined, // showActionSheet: number => tapIndex, else fail cancel
  scene: 1001,
  appId: 'wx0123456789abcdef',
  envVersion: 'develop',
  timezone: 'Asia/Shanghai', // applied to process.env.TZ (devices here run in UTC+8)
  promisePolyfill: false, // true: iOS <= 15 style setTimeout-based Promise global
  wasmFeatures: 'all', // 'mvp': WXWebAssembly rejects modules using multi-value, reference types, SIMD, threads
};

/**
 * Devices here run in UTC+8, so the logic layer's Date must too. V8 reads TZ process-wide; under
 * jest `process.env` is a per-test-file copy, so set it on the worker's real process object.
 */
function applyTimezone(tz) {
  if (!tz) return;
  let realProcess = process;
  try {
    realProcess = require('vm').runInThisContext('process');
  } catch (e) { /* not under jest */ }
  if (realProcess.env.TZ !== tz) realProcess.env.TZ = tz;
  if (process.env.TZ !== tz) process.env.TZ = tz;
}

function createDevice() {
  return {
    storage: new Map(),
    session: { loggedIn: false, codes: 0, wxCodes: 0, chats: 0 },
    clipboard: '',
  };
}

function normalizeScenario(input) {
  const s = Object.assign({}, DEFAULT_SCENARIO, input || {});
  if (!['android', 'ios', 'old', 'broken'].includes(s.flavour)) throw new Error(`wecom runtime: unknown flavour "${s.flavour}"`);
  if (!['wecom', 'wechat'].includes(s.host)) throw new Error(`wecom runtime: unknown host "${s.host}"`);
  if (!s.platform) s.platform = s.flavour === 'ios' ? 'ios' : 'android';
  if (!s.sdkVersion) s.sdkVersion = s.flavour === 'old' ? '2.12.3' : '3.4.0';
  if (!s.results) s.results = {};
  return s;
}

class Runtime extends AppHost {
  constructor({ packageDir, scenario, device, forwardConsole = true, maxSettleRounds = 10000, hostWaitMs = 10000 }) {
    super('wecom runtime');
    if (!packageDir || !fs.existsSync(packageDir)) throw new Error(`wecom runtime: packageDir not found: ${packageDir}`);
    this.packageDir = path.resolve(packageDir);
    this.options = { packageDir, scenario, forwardConsole, maxSettleRounds, hostWaitMs };
    this.scenario = normalizeScenario(scenario);
    applyTimezone(this.scenario.timezone);
    this.device = device || createDevice();
    this.forwardConsole = forwardConsole;
    this.maxSettleRounds = maxSettleRounds;
    this.hostWaitMs = hostWaitMs;

    this.sched = new Scheduler(START_TIME);
    this.log = {
      qy: [], requests: [], setData: [], storage: [], storageCalls: [], console: [], toasts: [], wx: [],
      wasm: [], wasmInstantiations: 0, lifecycle: [], requireAsync: [],
    };
    this.errors = [];
    this.warnings = [];
    this.pending = new Set();
    this.launched = false;
    // 'old' has none; any flavour below base library 2.13.0 has none either.
    this.wasmAvailable = hasWXWebAssembly(this.scenario);

    this.globals = this.appGlobals();
    this.globals.wx = makeWx(this);
    this.logic = new LogicLayer(this);
    this.context = this.logic.ctx;
    this.wx = this.globals.wx;
    this.rejections = trackContext(this.logic.NativePromise);
    this.render = new RenderLayer(this);
  }

  // ------------------------------------------------------------------ internal plumbing (and lib/host.js)
  track(promise) {
    const p = Promise.resolve(promise).then(() => {}, () => {});
    this.pending.add(p);
    p.then(() => this.pending.delete(p));
    return promise;
  }

  recordError(type, err, message) {
    this.errors.push({ type, message, stack: err && err.stack, error: err });
    if (this.forwardConsole) {
      // eslint-disable-next-line no-console
      console.error(`[wecom runtime] ${type}: ${(err && err.stack) || message}`);
    }
  }

  // ------------------------------------------------------------------ public API
  /** Start the app: app.js onLaunch/onShow, then the first page's onLoad/onShow/onReady; settles. */
  async launch({ path: startPath, query, scene } = {}) {
    if (this.dead) throw new Error('wecom runtime: this runtime was killed; use the one kill() returned');
    if (this.launched) throw new Error('wecom runtime: launch() already called');
    this.launched = true;
    this.useAppJson(this.render.readJson('app.json'));
    this.render.start();
    this.startApp(startPath, query, scene);
    await this.settle();
    return this;
  }

  /** Page stack, bottom first (like getCurrentPages()). */
  get pages() {
    return this.stack.map((p) => p.caller);
  }

  get route() {
    const p = this.currentPage;
    return p ? p.rel : undefined;
  }

  get now() {
    return this.sched.now;
  }

  get app() {
    return this.appDef;
  }

  requirePage() {
    const p = this.currentPage;
    if (!p) throw new Error('wecom runtime: no page yet; call launch() first');
    return p;
  }

  /** Rendered text of the current page, whitespace collapsed (block elements separated by a space). */
  text() {
    return this.render.text(this.requirePage());
  }

  /** Root DOM element of the current page (ids of WXML nodes are mirrored onto the DOM). */
  dom() {
    const p = this.requirePage();
    this.render.syncIds(p);
    return p.comp.dom;
  }

  /** Evaluated value of a WXML attribute on the first match, e.g. rt.attr('.name-input', 'value'). */
  attr(selector, name) {
    return this.render.attr(this.requirePage(), selector, name);
  }

  /** Dispatch any WXML event on the first element matching a CSS selector, then settle. */
  async trigger(selector, type, detail) {
    this.render.dispatch(this.requirePage(), selector, type, detail);
    await this.settle();
  }

  async tap(selector) {
    await this.trigger(selector, 'tap', { x: 0, y: 0 });
  }

  async input(selector, value) {
    const v = String(value);
    await this.trigger(selector, 'input', { value: v, cursor: v.length, keyCode: 0 });
  }

  /** Run microtasks, pending host work (backend, WXWebAssembly) and timers due now, until idle. */
  async settle() {
    const max = this.maxSettleRounds;
    for (let round = 0; ; round++) {
      if (this.dead) return;
      if (round >= max) {
        const next = this.sched.peek();
        throw new Error(`wecom runtime: settle() still busy after ${max} rounds (virtual t=${this.sched.now}; ` +
          `next timer ${next ? `${next.label || 'app timer'} due ${next.due}` : 'none'}): a timer re-arming at 0 ms or an endless promise loop?`);
      }
      await new Promise((r) => hostSetImmediate(r));
      if (this.pending.size) {
        let timer;
        const timedOut = await Promise.race([
          Promise.race([...this.pending]).then(() => false),
          new Promise((r) => { timer = hostSetTimeout(() => r(true), this.hostWaitMs); }),
        ]);
        hostClearTimeout(timer);
        if (timedOut) throw new Error(`wecom runtime: a host operation (scenario.backend or WXWebAssembly) is still pending after ${this.hostWaitMs} ms of real time`);
        continue;
      }
      const t = this.sched.nextDue(this.sched.now);
      if (t) {
        this.runTimer(t);
        continue;
      }
      const unhandled = this.rejections.drain();
      if (unhandled.length) {
        for (const u of unhandled) this.reportError('unhandledrejection', u.reason);
        continue;
      }
      return;
    }
  }

  runTimer(t) {
    try {
      this.sched.run(t);
    } catch (e) {
      this.reportError(t.internal ? `runtime timer ${t.label}` : 'timer', e);
    }
  }

  /** Move the virtual clock forward by ms, running timers in order, settling after each. */
  async advance(ms) {
    const target = this.sched.now + Math.max(0, Number(ms) || 0);
    await this.settle();
    for (;;) {
      if (this.dead) return;
      const t = this.sched.nextDue(target);
      if (!t) break;
      this.runTimer(t);
      await this.settle();
    }
    this.sched.now = target;
    await this.settle();
  }

  /** App goes to background: App.onHide, wx.onAppHide listeners, page onHide. */
  async hide() {
    this.appHidden();
    await this.settle();
  }

  /** App comes back: App.onShow(options), wx.onAppShow listeners, page onShow. */
  async show() {
    this.appShown();
    await this.settle();
  }

  /** Change connectivity and notify wx.onNetworkStatusChange listeners (then settle). */
  setNetwork(up) {
    this.networkChanged(up);
    return this.settle();
  }

  /** require() a module of the package inside the logic layer (path from the package root). */
  require(request) {
    return this.logic.require(request);
  }

  /** Stop this runtime (timers dropped, pages detached). Storage and login stay on rt.device. */
  dispose() {
    if (this.dead) return;
    this.dead = true;
    this.sched.stop();
    this.rejections.stop();
    for (const p of this.stack) {
      try { this.render.detachPage(p); } catch (e) { /* ignore */ }
    }
    this.render.stop();
  }

  /** Kill the process: discards the logic layer, keeps rt.device. Returns a fresh, unlaunched runtime. */
  async kill() {
    this.dispose();
    return createRuntime(Object.assign({}, this.options, { device: this.device, scenario: this.scenario }));
  }
}

/**
 * @param {object} o
 * @param {string} o.packageDir folder of the built mini program (has app.json)
 * @param {object} [o.scenario] see DEFAULT_SCENARIO
 * @param {object} [o.device] persisted storage + login (from createDevice() or a previous rt.device)
 * @param {boolean} [o.forwardConsole=true] also print the logic layer's console to the test console
 * @param {number} [o.maxSettleRounds=10000]
 * @param {number} [o.hostWaitMs=10000] real-time limit for a pending backend/WXWebAssembly promise
 */
function createRuntime(o) {
  const rt = new Runtime(o || {});
  live.add(rt);
  return rt;
}

// Runtimes not disposed by their test are disposed after the test file (v8 promise hooks and
// timers must not leak into the next file run by the same jest worker).
const live = new Set();
function disposeAll() {
  for (const rt of live) rt.dispose();
  live.clear();
}
if (typeof afterAll === 'function') {
  try { afterAll(disposeAll); } catch (e) { /* required from inside a test: caller must dispose */ }
}

module.exports = {
  createRuntime, createDevice, disposeAll, DEFAULT_SCENARIO, START_TIME, QY_MIN_VERSION, parseUrl, Runtime,
  packageSizes, subpackageRoots, PACKAGE_LIMIT_BYTES,
};
