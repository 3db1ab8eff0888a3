// Which engine runs the core, and why: for support tickets. It lives in the
// `fallback` subpackage with the JS engine (core-js.js, glue-js.js), so it
// costs the main package nothing. Open it with
// wx.navigateTo({ url: '/fallback/pages/engine/engine' }).
// With ?boot=1 it is the boot page of shell/core-loader.js instead: on clients
// without require.async (WeCom iOS < 4.0.8, Android < 3.1.23) the loader opens
// it to reach the JS engine. It requires the two modules (legal: they are in
// its own subpackage), hands them to the loader, and goes back at once.
// Written with Component() so that it also runs in miniprogram-simulate.
'use strict';

const loader = require('../../../shell/core-loader.js');

const { lastLoad, hasWxWebAssembly } = loader;

const BACK_TRIES = 5;
const BACK_RETRY_MS = 100;

/** Requires the JS engine (only now: 1.3 MB to parse) and hands it to the loader. */
function provide() {
  let mods = null;
  try {
    mods = { coreJs: require('../../core-js.js'), createGlueJs: require('../../glue-js.js') };
  } catch (err) {
    loader.provideFallback({ error: `require: ${err && err.message ? err.message : String(err)}` });
    return;
  }
  loader.provideFallback(mods);
}

/** Back to the page the loader came from; reLaunch there if this is the only page. */
function goBack(tries) {
  const pages = typeof getCurrentPages === 'function' ? getCurrentPages() : [];
  if (pages.length <= 1) {
    wx.reLaunch({ url: loader.bootReturnUrl() });
    return;
  }
  wx.navigateBack({
    delta: 1,
    fail: () => {
      if (tries + 1 < BACK_TRIES) setTimeout(() => goBack(tries + 1), BACK_RETRY_MS);
      else wx.reLaunch({ url: loader.bootReturnUrl() });
    },
  });
}

/**
 * The page's own words. This page is for support and opens when the core may
 * not run (so nothing comes from the core's labels): each line in both
 * languages, as the rows below, and the WXML holds no literal text.
 */
const TEXT = {
  booting: '正在启动 / Starting…',
  title: '运行引擎 / Engine',
  copy: '复制给客服 / Copy for support',
  copied: '已复制 / Copied',
};

const ENGINE_TEXT = {
  wasm: 'WebAssembly (WXWebAssembly, core.wasm.br)',
  js: 'JavaScript (wasm2js fallback)',
  none: '无 / none: the core did not load',
};

/** The core's support line ("wecom 4.1.36 android, base library 3.4.0"), once it runs. */
function supportLine(host) {
  try {
    const view = host && host.core && typeof host.core.view === 'function' ? host.core.view() : null;
    return (view && view.env) || '-';
  } catch (err) {
    return '-';
  }
}

/** Everything the page shows; never undefined (setData refuses it). */
function describe() {
  const app = typeof getApp === 'function' ? getApp() : null;
  const host = app && app.host ? app.host : null;
  const load = lastLoad();
  let info = {};
  try {
    info = wx.getSystemInfoSync() || {};
  } catch (err) {
    info = {};
  }
  const engine = (host && host.engine) || (load && load.engine) || (host && host.failure ? 'none' : '');
  const rows = [
    { label: '引擎 / Engine', value: engine ? ENGINE_TEXT[engine] || engine : '加载中 / loading' },
    { label: '文件 / File', value: (load && load.path) || '-' },
    { label: '原因 / Why not wasm', value: (load && load.reason) || '-' },
    { label: '加载方式 / Loaded by', value: (load && load.loader) || '-' },
    { label: '错误 / Error', value: (load && load.error) || '-' },
    { label: 'WXWebAssembly', value: hasWxWebAssembly() ? 'yes' : 'no' },
    { label: '重建次数 / Rebuilds after a trap', value: String((host && host.traps) || 0) },
    { label: '基础库 / Base library', value: String(info.SDKVersion || '-') },
    { label: '客户端 / Client', value: `${info.environment || 'wechat'} ${info.version || '-'}` },
    { label: '系统 / System', value: `${info.platform || '-'} ${info.system || ''}`.trim() },
    { label: '支持信息 / Support line', value: supportLine(host) },
  ];
  return {
    engine: engine || 'loading',
    rows,
    summary: rows.map((r) => `${r.label}: ${r.value}`).join('\n'),
  };
}

Component({
  data: { engine: 'loading', rows: [], summary: '', copied: false, booting: false, text: TEXT },
  methods: {
    onLoad(query) {
      if (query && query.boot === '1') {
        this.setData({ booting: true });
        provide();
        return;
      }
      this.refresh();
      const app = getApp();
      if (app && app.ready && typeof app.ready.then === 'function') {
        app.ready.then(() => this.refresh(), () => this.refresh());
      }
    },
    onReady() {
      if (this.data.booting) goBack(0);
    },
    onShow() {
      if (!this.data.booting) this.refresh();
    },
    refresh() {
      this.setData(describe());
    },
    copy() {
      wx.setClipboardData({
        data: this.data.summary,
        success: () => this.setData({ copied: true }),
      });
    },
  },
});
