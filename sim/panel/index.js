'use strict';
// The simulator page: the scenario panel, the phone frame (an iframe running sim/phone), and
// the live view model, effects log and storage. The device (storage, login state) and the
// fixture backend live here, so "kill & relaunch" (reloading the frame) clears the app's
// memory and keeps them.

const { createSimBackend, corpTagsFor, CUSTOMERS, CHATS, data } = require('../fixtures');

const ENTRIES = [
  ['single_chat_tools', '3.0.24 · 单聊工具栏'],
  ['contact_profile', '3.0.24 · 客户详情页'],
  ['group_chat_tools', '3.0.24 · 群聊工具栏'],
  ['normal', '3.0.24 · 工作台 / 普通入口'],
  ['chat_attachment', '3.1.6 · 聊天附件栏'],
  ['single_kf_tools', '3.1.10 · 微信客服工具栏'],
  ['chain_single_chat_tools', '4.0.8 · 上下游单聊'],
  ['chain_group_chat_tools', '4.0.8 · 上下游群聊'],
  ['internal_group_chat_board', '4.1.36 · 内部群看板'],
];
const CLIENT_VERSIONS = ['4.1.36', '4.0.8', '3.1.23', '3.1.10', '3.1.8', '3.1.6', '3.1.2', '3.0.36', '3.0.24', '3.0.16', '2.8.10', '2.5.8'];
const SDK_VERSIONS = ['3.4.0', '2.30.0', '2.14.0', '2.13.0', '2.12.3', '2.11.2', '2.10.2'];
const PLATFORMS = ['android', 'ios', 'windows', 'mac', 'devtools'];
const REJECTIONS = [
  ['', 'no'],
  ['84061', '84061 not external contact'],
  ['48002', '48002 api forbidden'],
  ['40096', '40096 invalid external userid'],
];
const ERRMSG = { 84061: 'not external contact', 48002: 'api forbidden', 40096: 'invalid external userid' };

/** Everything the panel sets. Launch settings relaunch the phone; the rest apply live. */
const LAUNCH_KEYS = ['host', 'clientVersion', 'platform', 'sdkVersion', 'entry', 'customer', 'chat'];
const DEFAULTS = {
  host: 'wecom',
  clientVersion: '4.1.36',
  platform: 'android',
  sdkVersion: '3.4.0',
  entry: 'single_chat_tools',
  customer: data.WECHAT_ID,
  chat: data.CHAT_ID,
  picker: 'current',
  permission: true,
  allowList: true,
  sessionValid: true,
  network: true,
  latencyMs: 0,
  status: 0,
  rejectRemark: '',
  rejectTags: '',
  loginError: false,
};
const URL_KEYS = { host: 'host', client: 'clientVersion', platform: 'platform', sdk: 'sdkVersion', entry: 'entry', customer: 'customer', chat: 'chat', network: 'network', latency: 'latencyMs', permission: 'permission', allowlist: 'allowList' };

const $ = (sel) => document.querySelector(sel);
const el = (tag, attrs, ...children) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (v !== undefined && v !== null && v !== false) e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
};
const json = (v) => {
  try {
    return JSON.stringify(v);
  } catch (e) {
    return String(v);
  }
};
const clip = (s, n = 600) => (s && s.length > n ? `${s.slice(0, n)}… (${s.length} chars)` : s);
const utf8 = new TextEncoder();
const bytes = (n) => (n >= 1024 ? `${(n / 1024).toFixed(1)} KB` : `${n} B`);

class Simulator {
  constructor() {
    this.state = Object.assign({}, DEFAULTS, this.fromUrl());
    this.device = { storage: new Map(), session: { loggedIn: false, codes: 0, wxCodes: 0, chats: 0 }, clipboard: '' };
    this.backend = createSimBackend();
    this.phone = null;
    this.launches = 0;
    this.launchStarted = 0;
    this.items = []; // rendered effects of the current launch: {item, li, sig}
    this.rendered = 0;
    this.refreshTimer = null;
    this.lastView = '';
    this.lastStorage = '';
  }

  fromUrl() {
    const out = {};
    const q = new URLSearchParams(location.search);
    for (const [param, key] of Object.entries(URL_KEYS)) {
      if (!q.has(param)) continue;
      const v = q.get(param);
      if (typeof DEFAULTS[key] === 'boolean') out[key] = !(v === '0' || v === 'false' || v === 'off');
      else if (typeof DEFAULTS[key] === 'number') out[key] = Number(v) || 0;
      else out[key] = v;
    }
    return out;
  }

  toUrl() {
    const q = new URLSearchParams();
    for (const [param, key] of Object.entries(URL_KEYS)) {
      const v = this.state[key];
      if (v === DEFAULTS[key]) continue;
      q.set(param, typeof v === 'boolean' ? (v ? '1' : '0') : String(v));
    }
    const s = q.toString();
    history.replaceState(null, '', s ? `?${s}` : location.pathname);
  }

  /** The runtime scenario (tests/runtime's names) for a launch. */
  scenario() {
    const s = this.state;
    return {
      host: s.host,
      clientVersion: s.clientVersion,
      platform: s.platform,
      sdkVersion: s.sdkVersion,
      entry: s.entry,
      externalUserId: s.customer,
      chatId: s.chat,
      selectContacts: s.picker === 'cancel' ? 'cancel' : [s.customer],
      permission: s.permission,
      allowList: s.allowList,
      sessionValid: s.sessionValid,
      network: s.network,
      latencyMs: Number(s.latencyMs) || 0,
    };
  }

  applyBackendMode() {
    const s = this.state;
    const m = this.backend.mode;
    m.status = Number(s.status) || 0;
    m.rejectRemark = s.rejectRemark ? { errcode: Number(s.rejectRemark), errmsg: ERRMSG[s.rejectRemark] } : null;
    m.rejectTags = s.rejectTags ? { errcode: Number(s.rejectTags), errmsg: ERRMSG[s.rejectTags] } : null;
    m.loginErrcode = s.loginError ? 40029 : 0;
    this.backend.state.corpTags = corpTagsFor(s.customer);
  }

  // ------------------------------------------------------------------ the phone frame
  /** Called by the frame at boot. */
  phoneSetup() {
    this.applyBackendMode();
    return {
      scenario: this.scenario(),
      device: this.device,
      backend: (req) => this.backend.handle(req),
    };
  }

  phoneReady(rt) {
    this.phone = rt;
    this.items = [];
    this.rendered = 0;
    this.launchStarted = Date.now();
    const log = $('#sim-log');
    log.append(el('li', { class: 'fx fx-launch', 'data-kind': 'launch' },
      el('span', { class: 'fx-t', text: new Date().toLocaleTimeString() }),
      el('span', { class: 'fx-main', text: `launch #${this.launches}: ${this.state.entry} · WeCom ${this.state.clientVersion} · ${this.state.platform} · base library ${this.state.sdkVersion}${this.state.host === 'wechat' ? ' · in WeChat' : ''}` })));
    this.refresh();
  }

  phoneChanged() {
    if (this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      this.refresh();
    }, 60);
  }

  relaunch() {
    if (this.phone) this.phone.dispose();
    this.phone = null;
    this.launches += 1;
    $('#phone').src = `/phone.html?launch=${this.launches}`;
    this.refresh();
  }

  // ------------------------------------------------------------------ panel controls
  buildControls() {
    const opt = (value, label, selected) => el('option', { value, selected: selected ? true : null, text: label || value });
    const fill = (sel, list, current) => {
      for (const item of list) {
        const [value, label] = Array.isArray(item) ? item : [item.id !== undefined ? item.id : item, item.label];
        sel.append(opt(value, label, value === current));
      }
    };
    const s = this.state;
    fill($('#sim-platform'), PLATFORMS, s.platform);
    fill($('#sim-customer'), CUSTOMERS, s.customer);
    fill($('#sim-chat'), CHATS, s.chat);
    fill($('#sim-reject-remark'), REJECTIONS, s.rejectRemark);
    fill($('#sim-reject-tags'), REJECTIONS, s.rejectTags);
    const known = ENTRIES.some(([v]) => v === s.entry);
    fill($('#sim-entry'), [...ENTRIES, ['__custom', 'custom…']], known ? s.entry : '__custom');
    $('#sim-entry-custom').value = known ? '' : s.entry;
    $('#sim-entry-custom').hidden = known;
    for (const v of CLIENT_VERSIONS) $('#client-versions').append(opt(v));
    for (const v of SDK_VERSIONS) $('#sdk-versions').append(opt(v));
    $('#sim-host').value = s.host;
    $('#sim-client').value = s.clientVersion;
    $('#sim-sdk').value = s.sdkVersion;
    $('#sim-picker').value = s.picker;
    $('#sim-permission').checked = s.permission;
    $('#sim-allowlist').checked = s.allowList;
    $('#sim-session').checked = s.sessionValid;
    $('#sim-network').checked = s.network;
    $('#sim-latency').value = String(s.latencyMs);
    $('#sim-status').value = String(s.status);
    $('#sim-login-error').checked = s.loginError;

    const set = (key, value) => {
      if (this.state[key] === value) return;
      this.state[key] = value;
      this.toUrl();
      this.applyBackendMode();
      if (LAUNCH_KEYS.includes(key)) {
        this.relaunch();
      } else if (this.phone) {
        const sc = this.scenario();
        this.phone.update({
          permission: sc.permission, allowList: sc.allowList, sessionValid: sc.sessionValid, network: sc.network,
          latencyMs: sc.latencyMs, selectContacts: sc.selectContacts,
        });
      }
      this.renderStatus();
    };
    const on = (id, ev, fn) => $(id).addEventListener(ev, fn);
    on('#sim-host', 'change', (e) => set('host', e.target.value));
    on('#sim-client', 'change', (e) => set('clientVersion', e.target.value.trim() || DEFAULTS.clientVersion));
    on('#sim-platform', 'change', (e) => set('platform', e.target.value));
    on('#sim-sdk', 'change', (e) => set('sdkVersion', e.target.value.trim() || DEFAULTS.sdkVersion));
    on('#sim-entry', 'change', (e) => {
      const custom = e.target.value === '__custom';
      $('#sim-entry-custom').hidden = !custom;
      if (custom) $('#sim-entry-custom').focus();
      else set('entry', e.target.value);
    });
    on('#sim-entry-custom', 'change', (e) => set('entry', e.target.value.trim() || 'unknown_entry'));
    on('#sim-customer', 'change', (e) => set('customer', e.target.value));
    on('#sim-chat', 'change', (e) => set('chat', e.target.value));
    on('#sim-picker', 'change', (e) => set('picker', e.target.value));
    on('#sim-permission', 'change', (e) => set('permission', e.target.checked));
    on('#sim-allowlist', 'change', (e) => set('allowList', e.target.checked));
    on('#sim-session', 'change', (e) => set('sessionValid', e.target.checked));
    on('#sim-network', 'change', (e) => set('network', e.target.checked));
    on('#sim-latency', 'change', (e) => set('latencyMs', Math.max(0, Number(e.target.value) || 0)));
    on('#sim-status', 'change', (e) => set('status', Number(e.target.value) || 0));
    on('#sim-reject-remark', 'change', (e) => set('rejectRemark', e.target.value));
    on('#sim-reject-tags', 'change', (e) => set('rejectTags', e.target.value));
    on('#sim-login-error', 'change', (e) => set('loginError', e.target.checked));
    on('#sim-expire', 'click', () => {
      this.backend.mode.expireTokens = true;
      this.note('the backend will answer 401 to the next authenticated call');
    });
    on('#sim-relaunch', 'click', () => this.relaunch());
    on('#sim-hide', 'click', () => this.phone && this.phone.hide());
    on('#sim-show', 'click', () => this.phone && this.phone.show());
    on('#sim-engine', 'click', () => this.phone && this.phone.wx.navigateTo({ url: '/fallback/pages/engine/engine', fail: (r) => this.note(r.errMsg) }));
    on('#sim-clear-storage', 'click', () => {
      this.device.storage.clear();
      Object.assign(this.device.session, { loggedIn: false, codes: 0, wxCodes: 0, chats: 0 });
      this.note('storage and WeCom login cleared (relaunch to start fresh)');
      this.refresh();
    });
    on('#sim-reset-backend', 'click', () => {
      this.backend = createSimBackend();
      this.applyBackendMode();
      this.note('fixture backend reset: every edit and session forgotten');
    });
    on('#sim-clear-log', 'click', () => {
      $('#sim-log').textContent = '';
      this.items = [];
      this.rendered = this.phone ? this.phone.timeline.length : 0;
    });
    for (const box of document.querySelectorAll('.fx-filter input')) {
      box.addEventListener('change', () => $('#sim-log').classList.toggle(`hide-${box.value}`, !box.checked));
      $('#sim-log').classList.toggle(`hide-${box.value}`, !box.checked);
    }
  }

  note(text) {
    const log = $('#sim-log');
    log.append(el('li', { class: 'fx fx-note', 'data-kind': 'note' }, el('span', { class: 'fx-t', text: '' }), el('span', { class: 'fx-main', text })));
    log.scrollTop = log.scrollHeight;
  }

  // ------------------------------------------------------------------ live views
  refresh() {
    this.renderStatus();
    this.renderLog();
    this.renderView();
    this.renderStorage();
  }

  renderStatus() {
    const rt = this.phone;
    const s = this.state;
    const parts = [`launch #${this.launches}`];
    if (rt) {
      const app = rt.appDef;
      const engine = app && app.host ? app.host.engine : null;
      const f = rt.features();
      parts.push(`engine: ${engine || (app && app.host && app.host.failure ? 'none' : 'loading…')}`);
      parts.push(f.WXWebAssembly ? 'WXWebAssembly ✓' : 'no WXWebAssembly');
      parts.push(f.requireAsync ? 'require.async ✓' : 'no require.async');
      parts.push(`wx.qy: ${f.qy.length ? `${f.qy.length} APIs` : 'none'}`);
      if (rt.errors.length) parts.push(`${rt.errors.length} error(s)`);
    }
    parts.push(s.network ? 'online' : 'OFFLINE');
    $('#sim-phone-status').textContent = parts.join(' · ');
    const sess = this.device.session;
    $('#sim-session-info').textContent = `WeCom login: ${sess.loggedIn ? 'yes' : 'no'} · codes issued: ${sess.codes} · backend sessions: ${this.backend.state.tokens.size} · writes applied: ${this.backend.writes.length}`;
  }

  renderLog() {
    const rt = this.phone;
    if (!rt) return;
    const log = $('#sim-log');
    const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
    const tl = rt.timeline;
    for (; this.rendered < tl.length; this.rendered++) {
      const item = tl[this.rendered];
      const li = el('li', { class: `fx fx-${item.kind}`, 'data-kind': item.kind });
      log.append(li);
      this.items.push({ item, li, sig: null });
    }
    for (const x of this.items) {
      const sig = signature(x.item);
      if (sig === x.sig) continue;
      x.sig = sig;
      this.renderItem(x.item, x.li);
    }
    // keep the list bounded
    while (this.items.length > 3000) {
      const x = this.items.shift();
      x.li.remove();
    }
    if (atBottom) log.scrollTop = log.scrollHeight;
  }

  renderItem(item, li) {
    const e = item.entry;
    const t = `+${((e.t - this.launchStarted) / 1000).toFixed(3)}s`;
    let main = '';
    let detail = '';
    let failed = false;
    switch (item.kind) {
      case 'qy': {
        const args = stripCallbacks(e.args);
        li.dataset.api = e.api;
        li.dataset.args = json(args);
        main = `wx.qy.${e.api}(${Array.isArray(e.args) ? e.args.map(json).join(', ') : json(args)})`;
        if (e.errMsg) {
          const extra = Object.assign({}, e.result || {});
          delete extra.errMsg;
          detail = `→ ${e.errMsg}${Object.keys(extra).length ? ` ${json(extra)}` : ''}`;
          failed = /:fail/.test(e.errMsg);
        } else if (e.result !== undefined) detail = `→ ${json(e.result)}`;
        else detail = '→ …';
        break;
      }
      case 'wx':
        li.dataset.api = e.api;
        main = `wx.${e.api}(${Array.isArray(e.args) ? e.args.map(json).join(', ') : json(stripCallbacks(e.args))})`;
        detail = e.errMsg ? `→ ${e.errMsg}` : '';
        failed = /:fail/.test(e.errMsg || '');
        break;
      case 'request': {
        const path = String(e.url).replace(/^https?:\/\/[^/]+/, '');
        li.dataset.path = path;
        li.dataset.method = e.method;
        const key = e.header && (e.header['Idempotency-Key'] || e.header['idempotency-key']);
        main = `wx.request ${e.method} ${path}${key ? ` [Idempotency-Key ${key}]` : ''}${e.data !== undefined && e.data !== null ? ` ${clip(typeof e.data === 'string' ? e.data : json(e.data), 300)}` : ''}`;
        if (e.state === 'pending') detail = '→ pending';
        else if (e.state === 'done') detail = `→ ${e.statusCode}`;
        else { detail = `→ ${e.errMsg} (never reached the backend)`; failed = true; }
        break;
      }
      case 'backend':
        li.dataset.path = e.path;
        li.dataset.method = e.method;
        main = `backend ← ${e.method} ${e.path}${e.idempotencyKey ? ` [Idempotency-Key ${e.idempotencyKey}]` : ''}`;
        detail = `${e.status} ${clip(typeof e.response === 'string' ? e.response : json(e.response), 300)}`;
        failed = e.status >= 400 || /"errcode":[1-9]/.test(String(e.response));
        break;
      case 'setData':
        main = `setData ${e.target} · ${bytes(e.bytes)} · ${clip(e.keys.join(', '), 160)}`;
        if (e.undefinedPaths) { detail = `undefined at ${e.undefinedPaths.join(', ')}`; failed = true; }
        if (e.rejected) { detail = 'rejected: over 1 MB'; failed = true; }
        break;
      case 'storage':
        main = `storage ${e.op}${e.key ? ` ${e.key}` : ''}${e.size ? ` (${bytes(e.size)})` : ''} via ${e.api}`;
        detail = e.ok ? '' : `→ ${e.errMsg}`;
        failed = !e.ok;
        break;
      case 'console':
        main = `console.${e.level} ${clip(e.text, 800)}`;
        failed = e.level === 'error';
        break;
      case 'error':
        main = `error (${e.type}): ${e.message}`;
        failed = true;
        break;
      case 'warning':
        main = `warning: ${e.text}`;
        break;
      case 'wasm':
        main = `WXWebAssembly.instantiate(${json(e.path)})`;
        detail = e.ok ? `→ ok (${bytes(e.bytes || 0)} of wasm)` : e.error ? `→ ${e.error}` : '→ …';
        failed = !!e.error;
        break;
      case 'requireAsync':
        main = `require.async(${json(e.request)})`;
        detail = e.ok ? `→ ${e.path}${e.subpackage ? ` (subpackage ${e.subpackage})` : ''}` : e.error ? `→ ${e.error}` : '→ downloading…';
        failed = !!e.error;
        break;
      default:
        main = `${item.kind} ${json(e)}`;
    }
    li.classList.toggle('fx-failed', failed);
    li.textContent = '';
    li.append(el('span', { class: 'fx-t', text: t }), el('span', { class: 'fx-main', text: main }));
    if (detail) li.append(el('span', { class: 'fx-detail', text: detail }));
  }

  renderView() {
    const data = this.phone ? this.phone.pageData() : null;
    const text = data ? JSON.stringify(data, null, 2) : '(no page yet)';
    if (text === this.lastView) return;
    this.lastView = text;
    $('#sim-viewmodel').textContent = text;
    const route = this.phone && this.phone.currentPage ? this.phone.currentPage.rel : '';
    $('#sim-view-route').textContent = data ? `${route} · route: ${data.route} · ${bytes(text.length)}` : '';
  }

  renderStorage() {
    const entries = [...this.device.storage.entries()];
    const sig = json(entries);
    if (sig === this.lastStorage) return;
    this.lastStorage = sig;
    const box = $('#sim-storage');
    box.textContent = '';
    if (!entries.length) box.append(el('div', { class: 'muted', text: '(empty)' }));
    for (const [key, raw] of entries) {
      let value = JSON.parse(raw);
      if (typeof value === 'string') {
        try { value = JSON.parse(value); } catch (e) { /* a plain string */ }
      }
      const pretty = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
      box.append(el('details', { class: 'storage-item', 'data-key': key },
        el('summary', {}, el('code', { text: key }), el('span', { class: 'muted', text: ` ${bytes(utf8.encode(key + raw).length)}` })),
        el('pre', { text: clip(pretty, 20000) })));
    }
  }
}

function stripCallbacks(args) {
  if (!args || typeof args !== 'object' || Array.isArray(args)) return args;
  const out = {};
  for (const k of Object.keys(args)) if (!['success', 'fail', 'complete'].includes(k) && args[k] !== undefined) out[k] = args[k];
  return out;
}

function signature(item) {
  const e = item.entry;
  return `${e.errMsg || ''}|${e.state || ''}|${e.statusCode || ''}|${e.ok ? 1 : 0}|${e.error || ''}|${e.result ? 1 : 0}`;
}

function start() {
  const sim = new Simulator();
  window.__simHost = sim;
  window.sim = sim; // for the console and browser tests
  sim.buildControls();
  sim.launches = 1;
  $('#phone').src = `/phone.html?launch=${sim.launches}`;
  setInterval(() => sim.refresh(), 1000);
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
