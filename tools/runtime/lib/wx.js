'use strict';
// The `wx` object of the simulated client (everything except wx.qy, which is in qy.js).

const { asyncApi, syncApi, fail } = require('./api');
const { copyForLog, jsonCopy, byteLength, typeName, versionAtLeast } = require('./util');
const { makeQy } = require('./qy');

const PLATFORM_INFO = {
  android: { system: 'Android 14', brand: 'Xiaomi', model: '23127PN0CC', pixelRatio: 3 },
  ios: { system: 'iOS 17.5', brand: 'iPhone', model: 'iPhone 15<iPhone15,4>', pixelRatio: 3 },
  windows: { system: 'Windows 11 x64', brand: 'microsoft', model: 'microsoft', pixelRatio: 1 },
  mac: { system: 'macOS 14.5', brand: 'apple', model: 'MacBookPro18,3', pixelRatio: 2 },
  devtools: { system: 'iOS 10.0.1', brand: 'devtools', model: 'iPhone 6/7/8', pixelRatio: 2 },
};

function systemInfo(rt) {
  const s = rt.scenario;
  const p = PLATFORM_INFO[s.platform] || PLATFORM_INFO.android;
  const info = {
    platform: s.platform,
    system: p.system,
    version: s.wechatVersion,
    SDKVersion: s.sdkVersion,
    language: s.language || 'zh_CN',
    brand: p.brand,
    model: p.model,
    pixelRatio: p.pixelRatio,
    screenWidth: 375,
    screenHeight: 812,
    windowWidth: 375,
    windowHeight: 724,
    statusBarHeight: 44,
    fontSizeSetting: 16,
  };
  if (s.host === 'wecom' && !s.environmentFlaky) info.environment = 'wxwork';
  return info;
}

function storageKeyCheck(key) {
  if (typeof key !== 'string') fail(`parameter error: parameter.key should be String instead of ${typeName(key)};`);
}

function makeStorage(rt) {
  const dev = rt.device;
  const s = rt.scenario;
  const log = rt.log.storage;
  const itemSize = (key, value) => byteLength(key) + byteLength(value === undefined ? '' : JSON.stringify(value));
  const totalSize = (exceptKey) => {
    let n = 0;
    for (const [k, v] of dev.storage) if (k !== exceptKey) n += itemSize(k, v);
    return n;
  };
  return {
    set(api, key, data) {
      storageKeyCheck(key);
      const value = jsonCopy(data);
      const size = itemSize(key, value);
      if (size > s.storageItemLimitBytes) {
        log.push({ op: 'set', api, key, ok: false, size, errMsg: `${api}:fail exceed storage item max length`, t: rt.sched.now });
        fail('exceed storage item max length');
      }
      if (totalSize(key) + size > s.storageLimitBytes) {
        log.push({ op: 'set', api, key, ok: false, size, errMsg: `${api}:fail exceed storage max size`, t: rt.sched.now });
        fail('exceed storage max size');
      }
      dev.storage.set(key, value);
      log.push({ op: 'set', api, key, ok: true, size, t: rt.sched.now });
    },
    get(api, key, missing) {
      storageKeyCheck(key);
      const has = dev.storage.has(key);
      log.push({ op: 'get', api, key, ok: has, t: rt.sched.now });
      if (!has) return missing();
      return dev.storage.get(key);
    },
    remove(api, key) {
      storageKeyCheck(key);
      dev.storage.delete(key);
      log.push({ op: 'remove', api, key, ok: true, t: rt.sched.now });
    },
    clear(api) {
      dev.storage.clear();
      log.push({ op: 'clear', api, ok: true, t: rt.sched.now });
    },
    info() {
      return {
        keys: [...dev.storage.keys()],
        currentSize: Math.ceil(totalSize(null) / 1024),
        limitSize: Math.floor(s.storageLimitBytes / 1024),
      };
    },
  };
}

function makeRequest(rt) {
  return function request(opts) {
    const o = opts && typeof opts === 'object' ? opts : {};
    const s = rt.scenario;
    const method = String(o.method || 'GET').toUpperCase();
    const header = Object.assign({}, copyForLog(o.header || {}));
    const entry = {
      url: o.url, method, data: copyForLog(o.data), header, dataType: o.dataType || 'json',
      t: rt.sched.now, state: 'pending',
    };
    rt.log.requests.push(entry);
    let done = false;
    const timers = [];
    const finish = (ok, res, reason) => {
      if (done || rt.dead) return;
      done = true;
      timers.forEach((id) => rt.sched.clear(id));
      const result = ok ? Object.assign({}, res, { errMsg: 'request:ok' }) : { errMsg: `request:fail ${reason}` };
      entry.state = ok ? 'done' : 'failed';
      entry.errMsg = result.errMsg;
      entry.statusCode = ok ? res.statusCode : undefined;
      entry.response = ok ? copyForLog(res.data) : undefined;
      entry.done = rt.sched.now;
      const ctxRes = rt.logic.toCtx(result);
      rt.callUser(ok ? o.success : o.fail, ctxRes, `request ${ok ? 'success' : 'fail'} callback`);
      rt.callUser(o.complete, ctxRes, 'request complete callback');
    };
    const later = (fn, ms) => timers.push(rt.sched.add(fn, ms, { internal: true, label: 'request' }));

    if (typeof o.url !== 'string' || !/^https?:\/\//i.test(o.url)) {
      later(() => finish(false, null, 'invalid url'), 0);
    } else if (!s.network) {
      later(() => finish(false, null, 'network unavailable'), 0);
    } else {
      const timeout = Number.isFinite(o.timeout) && o.timeout > 0 ? o.timeout : 60000;
      const latency = Math.max(0, Number(s.latencyMs) || 0);
      if (latency >= timeout) {
        later(() => finish(false, null, 'timeout'), timeout);
      } else {
        later(() => {
          if (done) return;
          if (typeof s.backend !== 'function') {
            finish(false, null, 'no backend configured in scenario');
            return;
          }
          const req = { url: o.url, method, data: jsonCopy(o.data), header: jsonCopy(header) };
          let p;
          try {
            p = Promise.resolve(s.backend(req));
          } catch (e) {
            p = Promise.reject(e);
          }
          rt.track(p.then((resp) => {
            rt.sched.add(() => {
              const r = resp && typeof resp === 'object' ? resp : {};
              let data = r.data;
              const dataType = o.dataType === undefined ? 'json' : o.dataType;
              if (dataType === 'json' && typeof data === 'string') {
                try { data = JSON.parse(data); } catch (e) { /* the client keeps the raw string */ }
              } else if (dataType !== 'json' && data !== undefined && typeof data !== 'string') {
                data = JSON.stringify(data);
              } else {
                data = jsonCopy(data);
              }
              finish(true, {
                data: data === undefined ? '' : data,
                statusCode: r.statusCode === undefined ? 200 : r.statusCode,
                header: jsonCopy(r.header || {}),
                cookies: [],
              });
            }, 0, { internal: true });
          }, (e) => {
            rt.sched.add(() => finish(false, null, (e && e.message) || String(e)), 0, { internal: true });
          }));
        }, latency);
        later(() => finish(false, null, 'timeout'), timeout);
      }
    }
    const Obj = rt.logic.Object;
    const task = new Obj();
    task.abort = () => rt.sched.add(() => finish(false, null, 'abort'), 0, { internal: true });
    task.onHeadersReceived = () => {};
    task.offHeadersReceived = () => {};
    return task;
  };
}

function listenerPair(rt, list) {
  return [
    (cb) => { if (typeof cb === 'function') rt.listeners[list].push(cb); },
    (cb) => {
      if (cb === undefined) rt.listeners[list] = [];
      else rt.listeners[list] = rt.listeners[list].filter((f) => f !== cb);
    },
  ];
}

function makeWx(rt) {
  const s = rt.scenario;
  const storage = makeStorage(rt);
  const A = (name, handler, cfg) => asyncApi(rt, name, handler, cfg);
  const S = (name, handler, cfg) => syncApi(rt, name, handler, cfg);
  const wx = {};

  // ---- system
  wx.getSystemInfoSync = S('getSystemInfoSync', () => systemInfo(rt));
  wx.getSystemInfo = A('getSystemInfo', () => systemInfo(rt));
  wx.getSystemInfoAsync = A('getSystemInfoAsync', () => systemInfo(rt));
  if (versionAtLeast(s.sdkVersion, '2.20.1')) {
    wx.getWindowInfo = S('getWindowInfo', () => {
      const i = systemInfo(rt);
      return { pixelRatio: i.pixelRatio, screenWidth: i.screenWidth, screenHeight: i.screenHeight, windowWidth: i.windowWidth, windowHeight: i.windowHeight, statusBarHeight: i.statusBarHeight };
    });
    wx.getDeviceInfo = S('getDeviceInfo', () => {
      const i = systemInfo(rt);
      return { platform: i.platform, system: i.system, brand: i.brand, model: i.model, pixelRatio: i.pixelRatio };
    });
    wx.getAppBaseInfo = S('getAppBaseInfo', () => {
      const i = systemInfo(rt);
      const out = { SDKVersion: i.SDKVersion, version: i.version, language: i.language };
      if (i.environment) out.environment = i.environment;
      return out;
    });
  }
  wx.getAccountInfoSync = S('getAccountInfoSync', () => ({ miniProgram: { appId: s.appId, envVersion: s.envVersion, version: '' } }));
  wx.getLaunchOptionsSync = S('getLaunchOptionsSync', () => rt.launchOptions || {});
  wx.getEnterOptionsSync = S('getEnterOptionsSync', () => rt.enterOptions() || {});
  wx.canIUse = S('canIUse', (schema) => {
    if (typeof schema !== 'string') return false;
    const parts = schema.split('.');
    let cur = wx;
    for (const p of parts) {
      if (cur === undefined || cur === null) return false;
      cur = cur[p];
    }
    return cur !== undefined;
  }, { raw: true });

  // ---- storage
  wx.setStorageSync = S('setStorageSync', (key, data) => { storage.set('setStorageSync', key, data); }, { log: rt.log.storageCalls });
  wx.getStorageSync = S('getStorageSync', (key) => storage.get('getStorageSync', key, () => ''), { log: rt.log.storageCalls });
  wx.removeStorageSync = S('removeStorageSync', (key) => { storage.remove('removeStorageSync', key); }, { log: rt.log.storageCalls });
  wx.clearStorageSync = S('clearStorageSync', () => { storage.clear('clearStorageSync'); }, { log: rt.log.storageCalls });
  wx.getStorageInfoSync = S('getStorageInfoSync', () => storage.info(), { log: rt.log.storageCalls });
  wx.setStorage = A('setStorage', (o) => { storage.set('setStorage', o.key, o.data); return {}; }, { log: rt.log.storageCalls });
  wx.getStorage = A('getStorage', (o) => ({ data: storage.get('getStorage', o.key, () => fail('data not found')) }), { log: rt.log.storageCalls });
  wx.removeStorage = A('removeStorage', (o) => { storage.remove('removeStorage', o.key); return {}; }, { log: rt.log.storageCalls });
  wx.clearStorage = A('clearStorage', () => { storage.clear('clearStorage'); return {}; }, { log: rt.log.storageCalls });
  wx.getStorageInfo = A('getStorageInfo', () => storage.info(), { log: rt.log.storageCalls });

  // ---- network
  wx.request = makeRequest(rt);
  wx.getNetworkType = A('getNetworkType', () => ({ networkType: s.network ? s.networkType : 'none' }));
  [wx.onNetworkStatusChange, wx.offNetworkStatusChange] = listenerPair(rt, 'networkStatus');

  // ---- media: pick a picture, upload a file (to the scenario's backend, as a form)
  wx.chooseMedia = A('chooseMedia', () => {
    const m = s.pickedMedia;
    if (m === 'cancel' || !m) fail('cancel');
    if (m === 'deny') fail('auth deny');
    return { type: 'image', tempFiles: [Object.assign({ fileType: 'image' }, m)] };
  });
  wx.uploadFile = A('uploadFile', (o) => {
    if (typeof o.url !== 'string' || !/^https?:\/\//i.test(o.url)) fail('invalid url');
    if (typeof o.filePath !== 'string' || !o.filePath) fail('parameter error: filePath');
    if (typeof o.name !== 'string' || !o.name) fail('parameter error: name');
    if (!s.network) fail('network unavailable');
    if (typeof s.backend !== 'function') fail('no backend configured in scenario');
    const req = {
      url: o.url, method: 'POST', header: jsonCopy(o.header || {}),
      data: { upload: { filePath: o.filePath, name: o.name }, formData: jsonCopy(o.formData || {}) },
    };
    rt.log.requests.push({ url: o.url, method: 'POST', data: copyForLog(req.data), header: req.header, t: rt.sched.now, state: 'upload' });
    // uploadFile answers the body as a string, whatever its type.
    return Promise.resolve(s.backend(req)).then((r) => ({
      data: typeof r.data === 'string' ? r.data : JSON.stringify(r.data),
      statusCode: r.statusCode === undefined ? 200 : r.statusCode,
    }));
  });

  // ---- app events
  [wx.onAppShow, wx.offAppShow] = listenerPair(rt, 'appShow');
  [wx.onAppHide, wx.offAppHide] = listenerPair(rt, 'appHide');
  [wx.onError, wx.offError] = listenerPair(rt, 'error');
  [wx.onUnhandledRejection, wx.offUnhandledRejection] = listenerPair(rt, 'unhandledRejection');

  // ---- UI (logged in rt.log.toasts)
  const ui = (type, o, extra) => rt.log.toasts.push(Object.assign({ type, t: rt.sched.now }, copyForLog(o || {}), extra));
  wx.showToast = A('showToast', (o) => { ui('toast', o); return {}; });
  wx.hideToast = A('hideToast', (o) => { ui('hideToast', o); return {}; });
  wx.showLoading = A('showLoading', (o) => { ui('loading', o); return {}; });
  wx.hideLoading = A('hideLoading', (o) => { ui('hideLoading', o); return {}; });
  wx.showModal = A('showModal', (o) => {
    const confirm = s.modal !== 'cancel';
    ui('modal', o, { confirm });
    const res = { confirm, cancel: !confirm };
    if (o.editable) res.content = typeof s.modalContent === 'string' ? s.modalContent : '';
    return res;
  });
  wx.showActionSheet = A('showActionSheet', (o) => {
    ui('actionSheet', o, { tapIndex: s.actionSheetIndex });
    if (typeof s.actionSheetIndex !== 'number') fail('cancel');
    return { tapIndex: s.actionSheetIndex };
  });
  wx.setNavigationBarTitle = A('setNavigationBarTitle', (o) => { ui('navigationBarTitle', o); return {}; });
  wx.stopPullDownRefresh = A('stopPullDownRefresh', () => ({}));
  wx.vibrateShort = A('vibrateShort', () => ({}));
  wx.setClipboardData = A('setClipboardData', (o) => { rt.device.clipboard = String(o.data); ui('clipboard', o); return {}; });
  wx.getClipboardData = A('getClipboardData', () => ({ data: rt.device.clipboard || '' }));
  wx.nextTick = (fn) => {
    if (typeof fn === 'function') rt.logic.Promise.resolve().then(() => rt.callUser(fn, undefined, 'nextTick callback'));
  };

  // ---- navigation (implemented by the runtime's router)
  for (const kind of ['navigateTo', 'redirectTo', 'navigateBack', 'reLaunch', 'switchTab']) {
    wx[kind] = A(kind, (o) => rt.router(kind, o));
  }

  // ---- WeChat login (a wx.qy mini program should use wx.qy.login instead)
  wx.login = A('login', () => ({ code: `wx-code-${++rt.device.session.wxCodes}` }));

  if (s.host === 'wecom') wx.qy = makeQy(rt);
  return wx;
}

module.exports = { makeWx, systemInfo };
