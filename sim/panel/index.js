'use strict';
// The simulator page: the scenario panel, the phone frame (an iframe running sim/phone), and
// the live view model, effects log and storage. The device (storage, login state) lives here,
// so "kill & relaunch" (reloading the frame) clears the app's memory and keeps it.
// The backend is real: the phone's wx.request goes over HTTP to this page's server, which
// proxies /backend/* to wcc-server, which calls wecom-double (sim/stack.js). The network
// controls drive the double through its control API (/__double/*): latency, faults; the login
// codes come from the double too. Only "network up" stays in the page (wx.request fails there).

const { CUSTOMERS, CHATS, MEMBERS, HANDOVER, PHONE_PICTURE, data } = require('../fixtures');
const { startLiveReload } = require('./live-reload');

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
/** The client's language (wx.getSystemInfo().language): the core shows Chinese, or English for `en…`. */
const LANGUAGES = [['zh_CN', '中文 zh_CN'], ['en', 'English en']];
const REJECTIONS = [
  ['', 'no'],
  ['84061', '84061 not external contact'],
  ['48002', '48002 api forbidden'],
  ['40096', '40096 invalid external userid'],
];
const ERRMSG = { 84061: 'not external contact', 48002: 'api forbidden', 40096: 'invalid external userid' };
/** The WeCom gateway's answer to every call (the double's "*" fault); wcc-server turns each into a 5xx. */
const GATEWAY_FAULTS = [
  ['', 'no (normal answers)', null],
  ['500', 'HTTP 500 from WeCom → wcc-server 503', { status: 500 }],
  ['502', 'HTTP 502 from WeCom → wcc-server 503', { status: 502 }],
  ['503', 'HTTP 503 from WeCom → wcc-server 503', { status: 503 }],
  ['-1', 'errcode -1 system busy → wcc-server 503', { errcode: -1, errmsg: 'system busy' }],
  ['45009', 'errcode 45009 api freq out of limit → wcc-server 503', { errcode: 45009, errmsg: 'api freq out of limit' }],
  ['garbage', 'a body that is not JSON → wcc-server 502', 'garbage'],
  ['hang', 'no answer → wcc-server 503 after its 10 s timeout', 'hang'],
];
const REMARK_API = 'externalcontact/remark';
const TAG_API = 'externalcontact/mark_tag';

/** Everything the panel sets. Launch settings relaunch the phone; the rest apply live. */
const LAUNCH_KEYS = ['host', 'clientVersion', 'platform', 'sdkVersion', 'language', 'entry', 'customer', 'chat', 'member'];
/** Settings that live at the double (applied through its control API). */
const DOUBLE_KEYS = ['latencyMs', 'gatewayFault', 'rejectRemark', 'rejectTags'];
const DEFAULTS = {
  host: 'wecom',
  clientVersion: '4.1.36',
  platform: 'android',
  sdkVersion: '3.4.0',
  language: 'zh_CN',
  entry: 'single_chat_tools',
  customer: data.WECHAT_ID,
  chat: data.CHAT_ID,
  member: data.ME,
  picker: 'current',
  permission: true,
  allowList: true,
  sessionValid: true,
  network: true,
  latencyMs: 0,
  gatewayFault: '',
  rejectRemark: '',
  rejectTags: '',
  loginError: false,
};
const URL_KEYS = { host: 'host', client: 'clientVersion', platform: 'platform', sdk: 'sdkVersion', lang: 'language', entry: 'entry', customer: 'customer', chat: 'chat', member: 'member', network: 'network', latency: 'latencyMs', fault: 'gatewayFault', permission: 'permission', allowlist: 'allowList' };

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
    this.backendUrl = `${location.origin}/backend`;
    this.counts = null; // the double's /__double/counts
    this.doubleQueue = Promise.resolve(); // control calls, in order
    this.rejectedCodes = 0;
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

  /** The runtime scenario (tools/runtime's names) for a launch. */
  scenario() {
    const s = this.state;
    return {
      host: s.host,
      clientVersion: s.clientVersion,
      platform: s.platform,
      sdkVersion: s.sdkVersion,
      language: s.language,
      entry: s.entry,
      externalUserId: s.customer,
      chatId: s.chat,
      selectContacts: s.picker === 'cancel' ? 'cancel' : [s.customer],
      // wx.chooseMedia (从手机选择图片): the fixture picture, or the member backs out
      pickedMedia: s.picker === 'cancel' ? 'cancel' : { tempFilePath: PHONE_PICTURE.tempFilePath, size: PHONE_PICTURE.size },
      permission: s.permission,
      allowList: s.allowList,
      sessionValid: s.sessionValid,
      network: s.network,
      latencyMs: 0, // the latency is the double's (applyDouble); wx.request itself adds none
      backendUrl: this.backendUrl,
    };
  }

  // ------------------------------------------------------------------ the double (control API)
  /** A control call to wecom-double through this page's server; resolves its JSON. */
  async control(method, api, body) {
    const res = await fetch(`/__double/${api}`, {
      method,
      headers: { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let json;
    try { json = JSON.parse(text); } catch (e) { json = null; }
    if (!res.ok || !json || json.ok === false) throw new Error(`wecom-double ${api}: HTTP ${res.status} ${text.slice(0, 200)}`);
    return json;
  }

  /** The hand-over scenario's controls (sim/fixtures.js HANDOVER), after the double's buttons. */
  buildHandoverControls() {
    const anchor = $('#sim-expire-wecom');
    if (!anchor || $('#sim-handover-outcomes')) return;
    const box = el('div', { class: 'buttons' });
    const outcomes = el('button', { id: 'sim-handover-outcomes', type: 'button', text: `Hand-over: ${HANDOVER.refuse.length} refuse, ${HANDOVER.atLimit.length} at the taker's limit` });
    const later = el('button', { id: 'sim-handover-24h', type: 'button', text: 'Hand-over: +24 h on WeCom\'s clock' });
    box.append(outcomes, later);
    anchor.parentNode.after(box);
    outcomes.addEventListener('click', async () => {
      try {
        for (const i of HANDOVER.refuse) await this.control('POST', 'transfer_outcome', { external_userid: HANDOVER.customer(i), outcome: 'refuse' });
        for (const i of HANDOVER.atLimit) await this.control('POST', 'transfer_outcome', { external_userid: HANDOVER.customer(i), outcome: 'taker_at_limit' });
        this.note(`after 24 h, ${HANDOVER.refuse.map(HANDOVER.customer).join(', ')} refuse and ${HANDOVER.atLimit.map(HANDOVER.customer).join(', ')} finds ${HANDOVER.taker} at the limit`);
      } catch (e) {
        this.note(`could not set the hand-over outcomes: ${e.message}`);
      }
    });
    later.addEventListener('click', () => {
      this.control('POST', 'advance', { secs: 86400 }).then((r) => {
        this.note(`the double's clock +24 h: hand-overs settled, ${(r.callbacks || []).length} transfer_fail callback(s) sent to wcc-server`);
      }, (e) => this.note(`could not move the double's clock: ${e.message}`));
    });
  }

  /** The double's faults and latency for the panel's settings. */
  doubleFaults() {
    const s = this.state;
    const faults = [];
    const gateway = GATEWAY_FAULTS.find(([v]) => v === s.gatewayFault);
    if (gateway && gateway[2]) faults.push({ api: '*', fault: gateway[2] });
    if (s.rejectRemark) faults.push({ api: REMARK_API, fault: { errcode: Number(s.rejectRemark), errmsg: ERRMSG[s.rejectRemark] } });
    if (s.rejectTags) faults.push({ api: TAG_API, fault: { errcode: Number(s.rejectTags), errmsg: ERRMSG[s.rejectTags] } });
    return faults;
  }

  /** Applies the network settings at the double (serialised; a failure is noted in the log). */
  applyDouble(before) {
    const run = async () => {
      if (before) await before();
      await this.control('POST', 'clear', {});
      for (const f of this.doubleFaults()) await this.control('POST', 'fault', f);
      await this.control('POST', 'latency', { ms: Math.max(0, Number(this.state.latencyMs) || 0) });
    };
    this.doubleQueue = this.doubleQueue.then(run).catch((e) => this.note(`could not set wecom-double: ${e.message}`));
    return this.doubleQueue.then(() => this.refreshCounts());
  }

  refreshCounts() {
    return this.control('GET', 'counts').then((c) => {
      this.counts = c;
      this.renderStatus();
    }, () => {});
  }

  /**
   * wx.request over HTTP, to wcc-server through this page's /backend proxy; and wx.uploadFile
   * (tools/runtime passes it here as data {upload: {filePath, name}, formData}): a
   * multipart/form-data POST whose part `name` is the file the phone picked (PHONE_PICTURE,
   * from /__sim/media), as the client sends it.
   */
  async request(req) {
    const method = String(req.method || 'GET').toUpperCase();
    let url = String(req.url);
    let body;
    const headers = Object.assign({}, req.header || {});
    const upload = req.data && typeof req.data === 'object' && req.data.upload;
    if (upload) {
      if (upload.filePath !== PHONE_PICTURE.tempFilePath) {
        throw new Error(`file not found: ${upload.filePath}`);
      }
      const file = await (await fetch(`/__sim/media/${PHONE_PICTURE.file}`)).blob();
      body = new FormData();
      for (const [k, v] of Object.entries(req.data.formData || {})) body.append(k, String(v));
      body.append(upload.name, file, PHONE_PICTURE.file);
      for (const k of Object.keys(headers)) if (k.toLowerCase() === 'content-type') delete headers[k];
    } else if (req.data !== undefined && req.data !== null) {
      if (method === 'GET' || method === 'HEAD') {
        if (typeof req.data === 'object') {
          const q = new URLSearchParams(req.data).toString();
          if (q) url += (url.includes('?') ? '&' : '?') + q;
        }
      } else {
        body = typeof req.data === 'string' ? req.data : JSON.stringify(req.data);
        if (!Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/json';
      }
    }
    const res = await fetch(url, { method, headers, body });
    const header = {};
    res.headers.forEach((v, k) => { header[k] = v; });
    const text = await res.text();
    setTimeout(() => this.refreshCounts(), 0);
    return { statusCode: res.status, data: text, header };
  }

  /** wx.qy.login's code: one the double issued for the panel's member, or one it never issued. */
  async loginCode() {
    if (this.state.loginError) {
      this.rejectedCodes += 1;
      return `sim-never-issued-${Date.now()}-${this.rejectedCodes}`;
    }
    const r = await this.control('POST', 'code', { userid: this.state.member });
    return r.code;
  }

  // ------------------------------------------------------------------ the phone frame
  /** Called by the frame at boot. */
  phoneSetup() {
    return {
      scenario: this.scenario(),
      device: this.device,
      backend: (req) => this.request(req),
      loginCode: () => this.loginCode(),
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
      el('span', { class: 'fx-main', text: `launch #${this.launches}: ${this.state.entry} · WeCom ${this.state.clientVersion} · ${this.state.platform} · base library ${this.state.sdkVersion} · ${this.state.language}${this.state.host === 'wechat' ? ' · in WeChat' : ''}` })));
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
    fill($('#sim-language'), LANGUAGES, s.language);
    fill($('#sim-customer'), CUSTOMERS, s.customer);
    fill($('#sim-chat'), CHATS, s.chat);
    fill($('#sim-member'), MEMBERS, s.member);
    fill($('#sim-fault'), GATEWAY_FAULTS.map(([v, label]) => [v, label]), s.gatewayFault);
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
    $('#sim-login-error').checked = s.loginError;

    const set = (key, value) => {
      if (this.state[key] === value) return;
      this.state[key] = value;
      this.toUrl();
      if (DOUBLE_KEYS.includes(key)) this.applyDouble();
      if (key === 'member') {
        // another member's phone: nothing of the last member's session, drafts or outbox
        this.device.storage.clear();
        Object.assign(this.device.session, { loggedIn: false, codes: 0, wxCodes: 0, chats: 0 });
        this.note(`logged in as ${value} from now on: storage and WeCom login cleared`);
      }
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
    on('#sim-language', 'change', (e) => set('language', e.target.value));
    on('#sim-entry', 'change', (e) => {
      const custom = e.target.value === '__custom';
      $('#sim-entry-custom').hidden = !custom;
      if (custom) $('#sim-entry-custom').focus();
      else set('entry', e.target.value);
    });
    on('#sim-entry-custom', 'change', (e) => set('entry', e.target.value.trim() || 'unknown_entry'));
    on('#sim-customer', 'change', (e) => set('customer', e.target.value));
    on('#sim-chat', 'change', (e) => set('chat', e.target.value));
    on('#sim-member', 'change', (e) => set('member', e.target.value));
    on('#sim-picker', 'change', (e) => set('picker', e.target.value));
    on('#sim-permission', 'change', (e) => set('permission', e.target.checked));
    on('#sim-allowlist', 'change', (e) => set('allowList', e.target.checked));
    on('#sim-session', 'change', (e) => set('sessionValid', e.target.checked));
    on('#sim-network', 'change', (e) => set('network', e.target.checked));
    on('#sim-latency', 'change', (e) => set('latencyMs', Math.max(0, Number(e.target.value) || 0)));
    on('#sim-fault', 'change', (e) => set('gatewayFault', e.target.value));
    on('#sim-reject-remark', 'change', (e) => set('rejectRemark', e.target.value));
    on('#sim-reject-tags', 'change', (e) => set('rejectTags', e.target.value));
    on('#sim-login-error', 'change', (e) => set('loginError', e.target.checked));
    on('#sim-expire', 'click', () => {
      fetch('/__sim/expire-sessions', { method: 'POST' }).then((r) => r.json()).then(() => {
        this.note('sessions expired: wcc-server answers 401 to the next call, and the app logs in again');
      }, (e) => this.note(`could not expire the sessions: ${e.message}`));
    });
    on('#sim-expire-wecom', 'click', () => {
      this.control('POST', 'advance', { secs: 7200 }).then(() => {
        this.note('WeCom access_tokens expired (the double\'s clock +7200 s): wcc-server gets 42001 and fetches new ones');
      }, (e) => this.note(`could not move the double's clock: ${e.message}`));
    });
    this.buildHandoverControls();
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
      this.applyDouble(() => this.control('POST', 'reset', {})).then(() => {
        this.note('wecom-double reset: the fixtures as they started, counts at 0 (the panel\'s faults and latency set again)');
      });
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
    const c = this.counts ? this.counts.counts || {} : null;
    const n = (api) => (c && c[api]) || 0;
    const tokens = this.counts ? Object.values(this.counts.gettoken || {}).reduce((a, b) => a + b, 0) : 0;
    $('#sim-session-info').textContent = `WeCom login: ${sess.loggedIn ? `yes (${s.member})` : 'no'} · codes issued: ${sess.codes}` +
      (c ? ` · at wecom-double: jscode2session ${n('miniprogram/jscode2session')}, externalcontact/get ${n('externalcontact/get')}, ` +
        `groupchat/get ${n('externalcontact/groupchat/get')}, remark ${n(REMARK_API)}, mark_tag ${n(TAG_API)}, gettoken ${tokens}` : ' · wecom-double: …');
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
        main = `wcc-server ← ${e.method} ${e.path}${e.idempotencyKey ? ` [Idempotency-Key ${e.idempotencyKey}]` : ''}`;
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
  // the double's latency and faults first, so the first launch already sees them
  sim.applyDouble().then(() => { $('#phone').src = `/phone.html?launch=${sim.launches}`; });
  setInterval(() => sim.refresh(), 1000);
  startLiveReload(() => sim.relaunch());
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
