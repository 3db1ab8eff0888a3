// The shell around the Rust core: it owns the one Core handle, turns wx and
// wx.qy callbacks into events, performs the effects the core returns, and
// renders with setData. It holds no rules of its own: every decision is the
// core's. If the wasm instance traps, the host rebuilds it from the last
// snapshot and carries on.
'use strict';

// The shapes that cross the boundary are the core's own, generated from its
// Rust types (core/types.d.ts; make types).
/** @typedef {import('../core/types').Config} Config */
/** @typedef {import('../core/types').Event} Event */
/** @typedef {import('../core/types').Effect} Effect */
/** @typedef {import('../core/types').View} View */
/** @typedef {import('../core/glue.js').CoreClass} CoreClass */
/** @typedef {import('../core/glue.js').CoreHandle} CoreHandle */
/**
 * @template {Effect['kind']} K
 * @typedef {Extract<Effect, { kind: K }>} EffectOf
 */
/**
 * What the page shows when no core can run (route 'fatal', not one of the core's).
 * @typedef {{ route: 'fatal', title: string, message: string }} Failure
 */
/**
 * The page the host renders into: the whole view, a render patch, or the failure.
 * @typedef {{ setData(data: View | import('../core/types').Patch | Failure): void }} PageLike
 */
/** @typedef {{ Core: CoreClass, engine: string }} LoadedCore */

const STORAGE_PREFIX = 'wcc:';
/** Dispatches between snapshots (and at every hide). */
const SNAPSHOT_EVERY = 25;
/** Traps survived before giving up with a message. */
const MAX_TRAPS = 5;

function errText(err) {
  if (!err) return 'unknown error';
  return err.message || err.errMsg || String(err);
}

class CoreHost {
  /**
   * @param {{ config: Config, wx: WechatMiniprogram.Wx, loadCore: () => Promise<LoadedCore>, now?: () => number }} options
   */
  constructor(options) {
    this.config = options.config;
    this.wx = options.wx;
    this.loadCore = options.loadCore;
    this.now = options.now || (() => Date.now());
    /** @type {CoreClass | null} */
    this.Core = null;
    /** @type {CoreHandle | null} */
    this.core = null;
    /** @type {string | null} */
    this.engine = null;
    /** @type {PageLike | null} */
    this.page = null;
    /** @type {Event[]} */
    this.queue = [];
    /** @type {string | null} */
    this.snapshot = null;
    /**
     * Events dispatched since the last snapshot, for replay after a trap.
     * @type {Event[]}
     */
    this.journal = [];
    /** @type {Promise<void> | null} */
    this.rebuilding = null;
    /** @type {Failure | null} */
    this.failure = null;
    this.traps = 0;
    this.listeners = [];
  }

  /** Loads the core and dispatches the launch event. */
  start() {
    return this.loadCore().then(
      ({ Core, engine }) => {
        this.Core = Core;
        this.engine = engine;
        this.core = new Core(this.config);
        this.dispatch(this.launchEvent());
        this.flush();
        return this;
      },
      (err) => {
        this.fail(err);
        return this;
      },
    );
  }

  /** @returns {Event} */
  launchEvent() {
    const wx = this.wx;
    let systemInfo = {};
    try {
      systemInfo = wx.getSystemInfoSync();
    } catch (err) {
      systemInfo = {};
    }
    const qy = wx.qy;
    const qyApis = [];
    if (qy) {
      for (const key in qy) if (typeof qy[key] === 'function') qyApis.push(key);
    }
    return {
      type: 'launch',
      now: this.now(),
      systemInfo,
      hasQy: !!qy,
      qyApis,
      storage: this.readStorage(),
    };
  }

  /** The core's own keys, as strings. */
  readStorage() {
    /** @type {{ [key: string]: string }} */
    const out = {};
    try {
      const keys = this.wx.getStorageInfoSync().keys || [];
      for (const key of keys) {
        if (key.indexOf(STORAGE_PREFIX) !== 0) continue;
        const value = this.wx.getStorageSync(key);
        if (typeof value === 'string') out[key] = value;
      }
    } catch (err) {
      this.log('warn', `storage could not be read: ${errText(err)}`);
    }
    return out;
  }

  /**
   * A page attaches to receive renders; it gets the whole view first.
   * @param {PageLike} page
   */
  attach(page) {
    this.page = page;
    if (this.core) {
      try {
        page.setData(this.core.view());
      } catch (err) {
        this.handleThrow(err, 'view');
      }
    } else if (this.failure) {
      page.setData(this.failure);
    }
  }

  /** @param {PageLike} page */
  detach(page) {
    if (this.page === page) this.page = null;
  }

  /**
   * Sends one event to the core and performs the effects it returns.
   * @param {Event} event
   */
  dispatch(event) {
    if (!this.core || this.rebuilding) {
      this.queue.push(event);
      return;
    }
    let effects;
    try {
      effects = this.core.dispatch(event);
    } catch (err) {
      this.handleThrow(err, event && event.type);
      return;
    }
    // The core is pure, so the last snapshot plus the events since then
    // replay to exactly this state. Snapshot now and then, not per keystroke.
    this.journal.push(event);
    if (this.journal.length >= SNAPSHOT_EVERY || (event && event.type === 'hide')) this.takeSnapshot();
    for (const effect of effects) this.perform(effect);
  }

  takeSnapshot() {
    try {
      this.snapshot = this.core.snapshot();
      this.journal = [];
    } catch (err) {
      this.handleThrow(err, 'snapshot');
    }
  }

  flush() {
    const queued = this.queue;
    this.queue = [];
    for (const event of queued) this.dispatch(event);
  }

  /** An Error with a code is the core refusing bad input; anything else is a trap. */
  handleThrow(err, what) {
    if (err && typeof err.code === 'string') {
      this.log('error', `core refused ${what}: [${err.code}] ${err.message}`);
      return;
    }
    this.traps += 1;
    if (this.traps > MAX_TRAPS) {
      this.fail(err);
      return;
    }
    this.log('error', `core trapped during ${what}: ${errText(err)}; rebuilding from the last snapshot`);
    this.rebuild();
  }

  /**
   * A fresh instance: restore the last snapshot, then replay the events since
   * (their effects were performed the first time; results still on their way
   * carry the same ids). The event that trapped is not replayed.
   */
  rebuild() {
    if (this.rebuilding) return this.rebuilding;
    const snapshot = this.snapshot;
    const journal = this.journal.slice();
    this.core = null;
    this.rebuilding = this.loadCore()
      .then(({ Core, engine }) => {
        this.Core = Core;
        this.engine = engine;
        const core = snapshot ? Core.restore(snapshot) : new Core(this.config);
        for (const event of journal) core.dispatch(event);
        this.core = core;
        this.rebuilding = null;
        this.takeSnapshot();
        if (this.page) this.page.setData(core.view());
        if (!snapshot && journal.length === 0) this.dispatch(this.launchEvent());
        this.flush();
      })
      .catch((err) => {
        this.rebuilding = null;
        this.fail(err);
      });
    return this.rebuilding;
  }

  /** Nothing can run: show a plain message instead of a blank page. */
  fail(err) {
    this.failure = {
      route: 'fatal',
      title: '无法启动 / Cannot start',
      message: `核心模块加载失败，请升级企业微信后重试。The core could not load: ${errText(err)}`,
    };
    this.log('error', `core failed to load: ${errText(err)}`);
    if (this.page) this.page.setData(this.failure);
  }

  /** @param {Effect} effect */
  perform(effect) {
    const wx = this.wx;
    switch (effect.kind) {
      case 'render':
        if (this.page) this.page.setData(effect.patch);
        return;
      case 'qy':
        return this.callQy(effect);
      case 'wx':
        return this.callWx(effect);
      case 'http':
        return this.request(effect);
      case 'storageSet':
        wx.setStorage({
          key: effect.key,
          data: effect.value,
          success: () => this.dispatch({ type: 'storageResult', id: effect.id, ok: true, errMsg: 'setStorage:ok' }),
          fail: (res) =>
            this.dispatch({ type: 'storageResult', id: effect.id, ok: false, errMsg: (res && res.errMsg) || 'setStorage:fail' }),
        });
        return;
      case 'storageRemove':
        wx.removeStorage({ key: effect.key, fail: () => {} });
        return;
      case 'timer':
        setTimeout(() => this.dispatch({ type: 'timer', id: effect.id, now: this.now() }), effect.afterMs);
        return;
      case 'log':
        return this.log(effect.level, effect.message);
      default: {
        // Every kind the core has is handled above: a new one is a type error here.
        /** @type {never} */
        const unknown = effect;
        this.log('warn', `unknown effect kind ${/** @type {{ kind: string }} */ (unknown).kind}`);
      }
    }
  }

  /** @param {EffectOf<'qy'>} effect */
  callQy(effect) {
    const qy = this.wx.qy;
    const reply = (result) => this.dispatch({ type: 'qyResult', id: effect.id, api: effect.api, result: result || {} });
    if (!qy || typeof qy[effect.api] !== 'function') {
      reply({ errMsg: `${effect.api}:fail not support` });
      return;
    }
    // The core built `args`, a JSON object, for this very function; the shell
    // adds the callbacks. So one signature serves every wx.qy function here.
    const fn = /** @type {(options: object) => void} */ (qy[effect.api]);
    const args = Object.assign({}, /** @type {object} */ (effect.args), { success: reply, fail: reply });
    try {
      fn.call(qy, args);
    } catch (err) {
      reply({ errMsg: `${effect.api}:fail ${errText(err)}` });
    }
  }

  /** @param {EffectOf<'wx'>} effect */
  callWx(effect) {
    const wx = this.wx;
    const reply = (result) => this.dispatch({ type: 'wxResult', id: effect.id, api: effect.api, result: result || {} });
    if (typeof wx[effect.api] !== 'function') {
      reply({ errMsg: `${effect.api}:fail not support` });
      return;
    }
    try {
      wx[effect.api](Object.assign({}, effect.args, { success: reply, fail: reply }));
    } catch (err) {
      reply({ errMsg: `${effect.api}:fail ${errText(err)}` });
    }
  }

  /** @param {EffectOf<'http'>} effect */
  request(effect) {
    const done = (status, body, errMsg) =>
      this.dispatch({ type: 'httpResult', id: effect.id, status, body, errMsg: errMsg || '' });
    try {
      this.wx.request({
        url: effect.url,
        // The core's JSON: a method name, a header object of strings, and a
        // JSON object body or null (src/launch/flow.rs, Model::http).
        method: /** @type {WechatMiniprogram.RequestOption['method']} */ (effect.method),
        header: /** @type {{ [name: string]: string }} */ (effect.headers || {}),
        data: effect.body === null ? undefined : /** @type {string | WechatMiniprogram.IAnyObject} */ (effect.body),
        dataType: 'text',
        responseType: 'text',
        success: (res) => {
          const data = res.data;
          done(res.statusCode || 0, typeof data === 'string' ? data : JSON.stringify(data === undefined ? null : data));
        },
        fail: (res) => done(0, '', (res && res.errMsg) || 'request:fail'),
      });
    } catch (err) {
      done(0, '', `request:fail ${errText(err)}`);
    }
  }

  log(level, message) {
    const line = `[core] ${message}`;
    const c = typeof console !== 'undefined' ? console : null;
    if (c) (c[level] || c.log).call(c, line);
    for (const l of this.listeners) l(level, message);
  }
}

module.exports = { CoreHost, STORAGE_PREFIX };
