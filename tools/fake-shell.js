// The JS fake shell: a small one for the benchmarks, the budget tests and the
// property tests (tests/property/run.js), in the spirit of
// tests/support/world.rs: it loads the shipped core (core.wasm.br) in plain
// Node, answers the core's effects the way the WeCom client and the fixture
// backend (tools/fixtures/backend.js) would, synchronously, and records every
// dispatch with the render patches it produced. Timers are collected, not
// fired. It measures nothing itself.
'use strict';

const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

const ROOT = path.resolve(__dirname, '..');
const PKG = path.join(ROOT, 'miniprogram');
const CORE_DIR = path.join(PKG, 'core');
const { createBackend, data } = require('./fixtures/backend.js');

const CONFIG = { backendUrl: 'https://api.example.com', locale: 'zh' };
const ALL_QY = [
  'login', 'checkSession', 'getSystemInfo', 'getContext', 'getCurExternalContact', 'getCurExternalChat', 'getCurCorpGroupContact', 'getCurCorpGroupChat',
  'selectExternalContact', 'openUserProfile', 'openEnterpriseChat', 'sendChatMessage', 'shareToExternalContact',
];
const START = 1700000000000;
const BIG_ID = 'wmBigCustomer00000000DDD';

/** Brotli-decompresses the shipped core; the client does the same with a .wasm.br path. */
function wasmBytes() {
  return zlib.brotliDecompressSync(fs.readFileSync(path.join(CORE_DIR, 'core.wasm.br')));
}

/** A fresh glue wired to a fresh instance (synchronous; for setup, not for cold-start timing). */
function loadGlue(bytes = wasmBytes()) {
  const manifest = require(path.join(CORE_DIR, 'manifest.js'));
  const glue = require(path.join(CORE_DIR, 'glue.js'))();
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { [manifest.importModule]: glue });
  glue.__wbg_set_wasm(instance.exports);
  if (typeof instance.exports.__wbindgen_start === 'function') instance.exports.__wbindgen_start();
  return glue;
}

/** The JS engine (wasm2js build in the fallback subpackage), wired like the loader does. */
function loadGlueJs() {
  const coreJs = require(path.join(PKG, 'fallback', 'core-js.js'));
  const glue = require(path.join(PKG, 'fallback', 'glue-js.js'))();
  const exports = coreJs.instantiate({ [coreJs.importModule]: glue });
  glue.__wbg_set_wasm(exports);
  if (typeof exports.__wbindgen_start === 'function') exports.__wbindgen_start();
  return glue;
}

function launchEvent(now = START) {
  return {
    type: 'launch',
    now,
    systemInfo: { platform: 'android', SDKVersion: '3.4.0', version: '8.0.50', language: 'zh', environment: 'wxwork' },
    hasQy: true,
    qyApis: ALL_QY.slice(),
    storage: {},
  };
}

/** The backend with the big card (50 follow users, 200 tags) behind it. */
function bigBackend() {
  return createBackend({ customers: { [BIG_ID]: data.bigCustomer(50, 200) }, corpTags: data.bigCorpTags(200) });
}

/**
 * A world: one Core handle, a scenario, a backend. `dispatch(event)` runs the
 * effect loop to quiescence (results are dispatched back at once) and
 * returns the list of dispatches it made: `{event, effects, renders}`.
 * `hold(fn)` makes the shell keep (not answer) http effects matching fn,
 * so a test can dispatch their results itself later.
 */
function createWorld(options = {}) {
  const glue = options.glue || loadGlue();
  const backend = options.backend || createBackend();
  const scenario = Object.assign(
    { entry: 'single_chat_tools', externalUserId: data.WECHAT_ID, chatId: data.CHAT_ID, clientVersion: '4.1.36' },
    options.scenario || {},
  );
  const world = {
    glue,
    backend,
    scenario,
    core: options.core || new glue.Core(CONFIG),
    now: START,
    storage: {},
    timers: [],
    held: [],
    holdHttp: null,
    trace: [],
    observe: null, // (record) => void, after each core.dispatch
  };

  function answerQy(api) {
    switch (api) {
      case 'login': return { errMsg: 'login:ok', code: 'code-1' };
      case 'checkSession': return { errMsg: 'checkSession:ok', expireIn: 7200 };
      case 'getSystemInfo': return { errMsg: 'getSystemInfo:ok', version: scenario.clientVersion };
      case 'getContext': return { errMsg: 'getContext:ok', entry: scenario.entry };
      case 'getCurExternalContact': return { errMsg: 'getCurExternalContact:ok', userId: scenario.externalUserId };
      case 'getCurExternalChat': return { errMsg: 'getCurExternalChat:ok', chatId: scenario.chatId };
      case 'getCurCorpGroupContact': return { errMsg: 'getCurCorpGroupContact:ok', corpId: 'wwPartnerCorp00001', userId: 'wangli' };
      case 'getCurCorpGroupChat': return { errMsg: 'getCurCorpGroupChat:ok', chatId: 'wrChainGroup0001' };
      case 'selectExternalContact': return { errMsg: 'selectExternalContact:ok', userIds: [scenario.externalUserId] };
      default: return { errMsg: `${api}:ok` };
    }
  }

  /** The event that answers one effect, or null. */
  function perform(effect) {
    switch (effect.kind) {
      case 'qy':
        return { type: 'qyResult', id: effect.id, api: effect.api, result: answerQy(effect.api) };
      case 'wx':
        return { type: 'wxResult', id: effect.id, api: effect.api, result: { errMsg: `${effect.api}:ok` } };
      case 'http': {
        if (world.holdHttp && world.holdHttp(effect)) {
          world.held.push(effect);
          return null;
        }
        return httpResult(effect);
      }
      case 'storageSet':
        world.storage[effect.key] = effect.value;
        return { type: 'storageResult', id: effect.id, ok: true, errMsg: '' };
      case 'storageRemove':
        delete world.storage[effect.key];
        return null;
      case 'timer':
        world.timers.push(effect);
        return null;
      default:
        return null; // render, log
    }
  }

  /** The backend's answer to an http effect, as the event the shell would dispatch. */
  function httpResult(effect) {
    const res = backend.handle({ url: effect.url, method: effect.method, header: effect.headers || {}, data: effect.body === null ? undefined : effect.body });
    return { type: 'httpResult', id: effect.id, status: res.statusCode, body: res.data, errMsg: '' };
  }

  function dispatch(event) {
    const out = [];
    const queue = [event];
    while (queue.length) {
      if (out.length > 500) throw new Error('the core and the shell ping-pong forever');
      const ev = queue.shift();
      const effects = world.core.dispatch(ev);
      const renders = effects.filter((e) => e.kind === 'render').map((e) => e.patch);
      const rec = { event: ev, effects, renders };
      out.push(rec);
      if (world.observe) world.observe(rec);
      for (const e of effects) {
        const next = perform(e);
        if (next) queue.push(next);
      }
    }
    world.trace.push(...out);
    return out;
  }

  world.dispatch = dispatch;
  world.httpResult = httpResult;
  world.launch = () => dispatch(launchEvent(world.now));
  world.tap = (action, arg = null) => {
    world.now += 1000;
    return dispatch({ type: 'tap', action, arg, now: world.now });
  };
  world.input = (field, value, index = null) => {
    world.now += 100;
    return dispatch({ type: 'input', field, value, index, now: world.now });
  };
  world.view = () => world.core.view();
  return world;
}

/**
 * A `wx` for cold-start benchmarks: empty storage, the launch event's
 * system info, and `wx.qy` functions that never answer, so a run stops at
 * the first render.
 */
function silentWx() {
  const info = launchEvent().systemInfo;
  const qy = {};
  for (const api of launchEvent().qyApis) qy[api] = () => {};
  return {
    qy,
    getSystemInfoSync: () => Object.assign({}, info),
    getStorageInfoSync: () => ({ keys: [] }),
    getStorageSync: () => '',
    setStorage: () => {},
    removeStorage: () => {},
    request: () => {},
  };
}

module.exports = { silentWx, createWorld, loadGlue, loadGlueJs, wasmBytes, launchEvent, bigBackend, createBackend, data, CONFIG, START, BIG_ID, ROOT, PKG, CORE_DIR };
