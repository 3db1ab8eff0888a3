'use strict';
// The render layer in the browser: the pages and components captured from Page()/Component()
// are registered with j-component (templates from .wxml, usingComponents from .json, inlined
// at build time) and rendered into the phone frame, with their .wxss applied. Taps, typing,
// switches and focus/blur reach the WXML handlers as exparser events.
// Modelled on tests/runtime/lib/render.js (which reads files with fs and loads
// miniprogram-simulate for jsdom).

const jComponent = require('j-component');
const exparser = require('miniprogram-exparser');
const { copyForLog, undefinedPaths, byteLength, toHost } = require('../../tests/runtime/lib/util');
const paths = require('./paths');
const wxss = require('./wxss');

const SETDATA_MAX_BYTES = 1024 * 1024;
const SETDATA_WARN_BYTES = 256 * 1024;

// The built-in components, registered as miniprogram-simulate's definition.js does (its
// index.js needs fs/path, so it is not bundled): each renders its children into a wx-<name>.
const OFFICIAL_TAGS = [
  'cover-image', 'cover-view', 'grid-view', 'list-view', 'match-media', 'movable-area', 'movable-view', 'page-container', 'root-portal', 'scroll-view', 'share-element', 'sticky-header', 'sticky-section', 'swiper', 'swiper-item', 'view',
  'icon', 'progress', 'rich-text', 'text',
  'button', 'checkbox', 'checkbox-group', 'editor', 'form', 'input', 'keyboard-accessory', 'label', 'picker', 'picker-view', 'picker-view-column', 'radio', 'radio-group', 'slider', 'switch', 'textarea',
  'functional-page-navigator', 'navigator',
  'audio', 'camera', 'channel-live', 'channel-video', 'image', 'live-player', 'live-pusher', 'video', 'voip-room',
  'map', 'canvas', 'web-view', 'ad', 'ad-custom', 'official-account', 'open-data', 'navigation-bar', 'page-meta',
];
let builtinsRegistered = false;
function registerBuiltins() {
  if (builtinsRegistered) return;
  builtinsRegistered = true;
  for (const name of OFFICIAL_TAGS) jComponent.register({ id: name, tagName: `wx-${name}`, template: '<slot/>' });
}

// exparser mis-resolves component ids containing digits: spell numbers with letters.
const letters = (n) => String(n).split('').map((d) => 'abcdefghij'[+d]).join('');

function walkExparser(node, fn) {
  if (!node) return;
  fn(node);
  if (node.shadowRoot && node.shadowRoot !== node) walkExparser(node.shadowRoot, fn);
  (node.childNodes || []).forEach((c) => walkExparser(c, fn));
}

function convertProperties(props) {
  if (!props || typeof props !== 'object') return undefined;
  const out = {};
  for (const k of Object.keys(props)) {
    const p = props[k];
    if (p && typeof p === 'object' && !Array.isArray(p)) {
      const q = Object.assign({}, p);
      if ('value' in q) q.value = toHost(q.value);
      out[k] = q;
    } else out[k] = p;
  }
  return out;
}

const PAGE_SPECIAL = new Set(['data', 'options', 'behaviors']);
const PAGE_HOOKS = ['onLoad', 'onShow', 'onReady', 'onHide', 'onUnload', 'onPullDownRefresh', 'onReachBottom', 'onShareAppMessage', 'onPageScroll'];

/** Apply path keys ('form.remark.text', 'list[2].a') and hand exparser whole fresh roots (as render.js). */
function expandPaths(current, payload) {
  const out = {};
  const roots = {};
  for (const key of Object.keys(payload)) {
    const segs = [];
    const re = /([^.[\]]+)|\[(\d+)\]/g;
    let m;
    while ((m = re.exec(key))) segs.push(m[1] !== undefined ? m[1] : Number(m[2]));
    if (segs.length <= 1) {
      out[key] = payload[key];
      continue;
    }
    const root = segs[0];
    if (!Object.prototype.hasOwnProperty.call(roots, root)) {
      const base = Object.prototype.hasOwnProperty.call(out, root) ? out[root] : current ? current[root] : undefined;
      roots[root] = base === undefined || base === null ? {} : JSON.parse(JSON.stringify(base));
    }
    let node = roots;
    for (let i = 0; i < segs.length - 1; i++) {
      const seg = segs[i];
      const nextIsIndex = typeof segs[i + 1] === 'number';
      if (node[seg] === undefined || node[seg] === null || typeof node[seg] !== 'object') node[seg] = nextIsIndex ? [] : {};
      node = node[seg];
    }
    node[segs[segs.length - 1]] = payload[key];
  }
  return Object.assign(out, roots);
}

function vtAttr(el, name) {
  const node = el && el.__wxElement;
  const attrs = (node && node._vt && node._vt.attrs) || [];
  const a = attrs.find((x) => x.name === name);
  return a ? a.value : undefined;
}

const truthy = (v) => v !== undefined && v !== null && v !== false && v !== 'false' && v !== '';

class RenderLayer {
  constructor(rt, container) {
    this.rt = rt;
    this.logic = rt.logic;
    this.container = container;
    this.prefix = 'wsim';
    this.seq = 0;
    this.registered = new Map(); // rel -> id
    this.meta = new Map(); // id -> { rel, kind, extra }
    this.behaviorIds = new Map();
    this.setDataTimes = [];
    this.styles = [];
    registerBuiltins();
    const layer = this;
    this.instrumentBehavior = jComponent.behavior({
      created() { layer.instrument(this); },
    });
    this.observer = new MutationObserver(() => this.decorate());
    this.observer.observe(container, { childList: true, subtree: true, attributes: true, attributeFilter: ['class'] });
    container.addEventListener('click', (e) => this.onClick(e));
  }

  // ------------------------------------------------------------ files
  readWxml(rel, depth = 0) {
    let text = this.logic.readFile(rel);
    if (text === null) throw new Error(`WeCom simulator: missing template ${rel}`);
    if (depth > 16) throw new Error(`WeCom simulator: <include> nesting too deep at ${rel}`);
    const dir = paths.dirname(rel);
    const resolveRel = (src, ext) => {
      let r = src.startsWith('/') ? src.slice(1) : paths.join(dir, src);
      if (!r.endsWith(ext)) r += ext;
      return paths.normalize(r);
    };
    text = text.replace(/<include\s+src\s*=\s*["']([^"']+)["']\s*\/?>(\s*<\/include>)?/g, (m, src) => this.readWxml(resolveRel(src, '.wxml'), depth + 1));
    text = text.replace(/<wxs\b([^>]*?)\/?>(\s*<\/wxs>)?/g, (m, attrs) => {
      const src = /\bsrc\s*=\s*["']([^"']+)["']/.exec(attrs);
      const mod = /\bmodule\s*=\s*["']([^"']+)["']/.exec(attrs);
      if (!src || !mod) return m;
      const code = this.logic.readFile(resolveRel(src[1], '.wxs'));
      if (code === null) throw new Error(`WeCom simulator: missing wxs ${src[1]} (from ${rel})`);
      return `<wxs module="${mod[1]}">${code}</wxs>`;
    });
    if (/<import\b|<template\s+is\s*=/.test(text)) this.rt.warn(`${rel}: <import>/<template is> are not supported by j-component; that part renders nothing`);
    return text;
  }

  resolveComponent(value, ownerRel) {
    if (typeof value !== 'string' || value.startsWith('plugin://')) {
      throw new Error(`WeCom simulator: unsupported component reference "${value}" in ${ownerRel}.json`);
    }
    const cands = [];
    if (value.startsWith('/')) cands.push(value.slice(1));
    else {
      cands.push(paths.join(paths.dirname(ownerRel), value));
      cands.push(paths.join('miniprogram_npm', value), paths.join('miniprogram_npm', value, 'index'));
    }
    for (const c of cands) {
      const n = paths.normalize(c);
      if (!n.startsWith('..') && this.logic.exists(`${n}.js`)) return n;
      if (!n.startsWith('..') && this.logic.exists(`${n}/index.js`)) return `${n}/index`;
    }
    throw new Error(`WeCom simulator: component "${value}" used by ${ownerRel} not found in the package`);
  }

  addStyle(css, label) {
    const style = document.createElement('style');
    style.setAttribute('data-wxss', label);
    style.textContent = css;
    document.head.appendChild(style);
  }

  // ------------------------------------------------------------ registration
  behaviorId(def) {
    if (typeof def === 'string') return def;
    if (this.behaviorIds.has(def)) return this.behaviorIds.get(def);
    const id = jComponent.behavior(this.convertCommon(def));
    this.behaviorIds.set(def, id);
    return id;
  }

  convertCommon(def) {
    const d = {};
    for (const k of ['observers', 'methods', 'lifetimes', 'pageLifetimes', 'created', 'attached', 'ready', 'moved', 'detached', 'error', 'externalClasses', 'relations', 'export', 'definitionFilter']) {
      if (def[k] !== undefined) d[k] = def[k];
    }
    if (def.methods) d.methods = Object.assign({}, def.methods);
    if (def.lifetimes) d.lifetimes = Object.assign({}, def.lifetimes);
    if (def.pageLifetimes) d.pageLifetimes = Object.assign({}, def.pageLifetimes);
    if (def.properties) d.properties = convertProperties(def.properties);
    if (def.data) d.data = toHost(def.data);
    if (Array.isArray(def.behaviors)) d.behaviors = def.behaviors.map((b) => this.behaviorId(b));
    return d;
  }

  register(rel, tagName, kind, stack = []) {
    if (this.registered.has(rel)) return this.registered.get(rel);
    if (stack.includes(rel)) throw new Error(`WeCom simulator: circular usingComponents: ${[...stack, rel].join(' -> ')}`);
    const rt = this.rt;
    const json = this.logic.readJson(`${rel}.json`) || {};
    const appUsing = (rt.appJson && rt.appJson.usingComponents) || {};
    const own = json.usingComponents || {};
    const using = {};
    for (const [tag, value] of Object.entries(Object.assign({}, appUsing, own))) {
      const owner = Object.prototype.hasOwnProperty.call(own, tag) ? rel : 'app';
      const childRel = this.resolveComponent(value, owner);
      if (childRel === rel) continue;
      using[tag] = this.register(childRel, tag, 'component', [...stack, rel]);
    }
    const template = this.readWxml(`${rel}.wxml`);
    const captured = rt.loadDefinition(rel);
    const id = `${this.prefix}${letters(++this.seq)}`;
    let d;
    let extra = null;
    if (captured.kind === 'Page') {
      const def = captured.def;
      d = { methods: {} };
      extra = {};
      for (const k of Object.keys(def)) {
        const v = def[k];
        if (PAGE_SPECIAL.has(k)) continue;
        if (typeof v === 'function') d.methods[k] = v;
        else extra[k] = v;
      }
      if (def.data) d.data = toHost(def.data);
      if (Array.isArray(def.behaviors)) d.behaviors = def.behaviors.map((b) => this.behaviorId(b));
    } else {
      d = this.convertCommon(captured.def);
      if (kind === 'page') {
        d.methods = d.methods || {};
        for (const k of PAGE_HOOKS) {
          if (typeof captured.def[k] === 'function' && !d.methods[k]) d.methods[k] = captured.def[k];
        }
      }
    }
    d.behaviors = [this.instrumentBehavior, ...(d.behaviors || [])];
    const options = Object.assign({}, captured.def.options || {});
    this.meta.set(id, { rel, kind, extra, json });
    jComponent.register(Object.assign(d, { id, tagName, template, usingComponents: using, options }));
    this.registered.set(rel, id);
    // Its styles: scoped to its host tag, stopping at the components it uses. A page's
    // styles reach into its components (they all set addGlobalClass), so no limit there.
    const css = this.logic.readFile(`${rel}.wxss`);
    if (css) {
      this.addStyle(wxss.compile(css, {
        scope: kind === 'page' ? 'page' : tagName,
        limits: kind === 'page' ? [] : Object.keys(using),
      }), rel);
    }
    return id;
  }

  // ------------------------------------------------------------ instances
  instrument(caller) {
    const meta = this.meta.get(caller.is);
    if (!meta) return;
    const rt = this.rt;
    const orig = caller.setData;
    const layer = this;
    caller.setData = function setData(data, callback) {
      const payload = data && typeof data === 'object' ? data : {};
      const json = JSON.stringify(payload);
      const bytes = byteLength(json);
      const undef = undefinedPaths(payload, '');
      const entry = { target: meta.rel, kind: meta.kind, keys: Object.keys(payload), bytes, t: rt.sched.now };
      if (undef.length) {
        entry.undefinedPaths = undef;
        rt.warn(`setData on ${meta.rel}: undefined value at ${undef.join(', ')} (the client drops top-level undefined keys; use null)`);
      }
      rt.log.setData.push(entry);
      if (bytes > SETDATA_MAX_BYTES) {
        entry.rejected = true;
        throw new Error(`setData:fail data size ${bytes} bytes exceeds the 1048576-byte (1 MB) limit (${meta.rel})`);
      }
      if (bytes > SETDATA_WARN_BYTES) rt.warn(`setData on ${meta.rel}: ${bytes} bytes > 256 KB`);
      const now = Date.now();
      layer.setDataTimes.push(now);
      layer.setDataTimes = layer.setDataTimes.filter((t) => t > now - 1000);
      if (layer.setDataTimes.length === 21) rt.warn('setData: more than 20 calls within 1 s');
      const clean = {};
      for (const k of Object.keys(payload)) if (payload[k] !== undefined) clean[k] = toHost(payload[k]);
      const out = orig.call(this, expandPaths(this.data, clean), callback);
      layer.scheduleDecorate(); // input values change in the template data, not in the DOM
      rt.notify('setData');
      return out;
    };
    if (meta.kind === 'page') {
      caller.route = meta.rel;
      caller.__route__ = meta.rel;
      caller.options = {};
      if (meta.extra) for (const [k, v] of Object.entries(meta.extra)) caller[k] = copyForLog(v);
    }
  }

  createPage(rel, query) {
    const rt = this.rt;
    const id = this.register(rel, 'page', 'page');
    const captured = rt.definitions.get(rel);
    const props = {};
    const declared = (captured.kind === 'Component' && captured.def.properties) || {};
    for (const k of Object.keys(query || {})) if (Object.prototype.hasOwnProperty.call(declared, k)) props[k] = query[k];
    const comp = jComponent.create(id, props);
    const caller = comp.instance;
    const page = { rel, comp, caller, query, json: this.meta.get(id).json };
    caller.options = Object.assign({}, query || {});
    for (const other of this.container.children) other.style.display = 'none';
    this.container.appendChild(comp.dom);
    exparser.Element.pretendAttached(comp._exparserNode);
    rt.lifecycle(caller, 'onLoad', Object.assign({}, query || {}), rel);
    rt.lifecycle(caller, 'onShow', undefined, rel);
    this.pageLifetime(page, 'show');
    const readyAll = (node) => {
      if (node instanceof exparser.Component && node.shadowRoot instanceof exparser.Element) readyAll(node.shadowRoot);
      node.childNodes.forEach((c) => { if (c instanceof exparser.Element) readyAll(c); });
      if (node instanceof exparser.Component) node.triggerLifeTime('ready');
    };
    try {
      readyAll(comp._exparserNode);
    } catch (e) {
      rt.reportError(`${rel} ready`, e);
    }
    rt.lifecycle(caller, 'onReady', undefined, rel);
    this.decorate();
    return page;
  }

  pageLifetime(page, name) {
    try {
      page.comp.triggerPageLifeTime(name);
    } catch (e) {
      this.rt.reportError(`${page.rel} pageLifetimes.${name}`, e);
    }
  }

  detachPage(page) {
    try {
      exparser.Element.pretendDetached(page.comp._exparserNode);
    } catch (e) {
      this.rt.reportError(`${page.rel} detached`, e);
    }
    if (page.comp.dom.parentNode) page.comp.dom.parentNode.removeChild(page.comp.dom);
    const top = this.container.lastElementChild;
    if (top) top.style.display = '';
  }

  showPageDom(page) {
    for (const other of this.container.children) other.style.display = other === page.comp.dom ? '' : 'none';
  }

  // ------------------------------------------------------------ the DOM side
  /**
   * After every DOM change: mirror WXML ids onto the DOM (so #id works), honour `hidden`, and
   * give <input>, <textarea> and <switch> real form controls (j-component renders them as
   * plain elements) wired back as exparser input/focus/blur/confirm/change events.
   */
  scheduleDecorate() {
    if (this.decorateQueued) return;
    this.decorateQueued = true;
    queueMicrotask(() => {
      this.decorateQueued = false;
      this.decorate();
    });
  }

  decorate() {
    if (this.decorating) return;
    this.decorating = true;
    try {
      const page = this.rt.currentPage;
      if (page) {
        walkExparser(page.comp._exparserNode, (n) => {
          const el = n.$$;
          if (!el || !el.setAttribute) return;
          if (typeof n.id === 'string' && n.id && el.getAttribute('id') !== n.id) el.setAttribute('id', n.id);
        });
      }
      for (const el of this.container.querySelectorAll('wx-input, wx-textarea, wx-switch')) this.decorateOne(el);
      for (const el of this.container.querySelectorAll('*')) {
        if (!el.__wxElement) continue;
        const hidden = truthy(vtAttr(el, 'hidden'));
        if (hidden !== el.hasAttribute('data-sim-hidden')) {
          if (hidden) el.setAttribute('data-sim-hidden', '');
          else el.removeAttribute('data-sim-hidden');
        }
      }
      this.observer.takeRecords();
    } finally {
      this.decorating = false;
    }
  }

  decorateOne(el) {
    const tag = el.tagName.toLowerCase();
    if (tag === 'wx-switch') {
      let box = el.querySelector(':scope > input.sim-switch');
      if (!box) {
        box = document.createElement('input');
        box.type = 'checkbox';
        box.className = 'sim-switch';
        box.addEventListener('change', () => this.fire(el, 'change', { value: box.checked }));
        el.appendChild(box);
      }
      const checked = truthy(vtAttr(el, 'checked'));
      if (box.checked !== checked && document.activeElement !== box) box.checked = checked;
      box.disabled = truthy(vtAttr(el, 'disabled'));
      return;
    }
    if (tag !== 'wx-input' && tag !== 'wx-textarea') return;
    const kind = tag === 'wx-input' ? 'input' : 'textarea';
    let field = el.querySelector(`:scope > ${kind}.sim-field`);
    if (!field) {
      field = document.createElement(kind);
      field.className = 'sim-field';
      field.setAttribute('autocomplete', 'off');
      field.addEventListener('input', () => {
        const value = field.value;
        this.fire(el, 'input', { value, cursor: field.selectionStart == null ? value.length : field.selectionStart, keyCode: 0 });
      });
      field.addEventListener('focus', () => this.fire(el, 'focus', { value: field.value, height: 0 }));
      field.addEventListener('blur', () => {
        this.fire(el, 'blur', { value: field.value, cursor: field.value.length });
        setTimeout(() => this.decorate(), 0); // show the view model's value again
      });
      field.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' && kind === 'input') this.fire(el, 'confirm', { value: field.value });
      });
      field.addEventListener('click', (e) => e.stopPropagation());
      el.appendChild(field);
    }
    const value = vtAttr(el, 'value');
    const text = value === undefined || value === null ? '' : String(value);
    // The view model is the source of truth, except while the user types in this field.
    if (field.value !== text && document.activeElement !== field) field.value = text;
    const placeholder = vtAttr(el, 'placeholder');
    if (placeholder !== undefined && field.placeholder !== String(placeholder)) field.placeholder = String(placeholder);
    const type = vtAttr(el, 'type');
    if (kind === 'input') {
      const t = truthy(vtAttr(el, 'password')) ? 'password' : type === 'number' || type === 'digit' ? 'text' : 'text';
      if (field.type !== t) field.type = t;
      if (type === 'number' || type === 'digit') field.inputMode = type === 'digit' ? 'decimal' : 'numeric';
    }
    // maxlength: 140 unless set; -1 means no limit (as on the client)
    const rawMax = vtAttr(el, 'maxlength');
    const max = Number(rawMax);
    const limit = rawMax === undefined || rawMax === null || rawMax === '' ? 140 : Number.isFinite(max) && max >= 0 ? max : -1;
    if (limit >= 0) field.maxLength = limit; else field.removeAttribute('maxlength');
    field.disabled = truthy(vtAttr(el, 'disabled'));
  }

  fire(el, type, detail) {
    if (!el.__wxElement || this.rt.dead) return;
    const evt = exparser.Event.create(type, detail || {}, {
      bubbles: true,
      composed: true,
      capturePhase: true,
      extraFields: { touches: [], changedTouches: [] },
    });
    exparser.Event.dispatchEvent(el.__wxElement, evt);
    this.rt.notify();
  }

  onClick(e) {
    let el = e.target;
    while (el && el !== this.container && !el.__wxElement) el = el.parentNode;
    if (!el || el === this.container) return;
    const rect = el.getBoundingClientRect();
    this.fire(el, 'tap', { x: Math.round(e.clientX - rect.left), y: Math.round(e.clientY - rect.top) });
  }

  text(page) {
    return (page.comp.dom.innerText || '').replace(/\s+/g, ' ').trim();
  }
}

module.exports = { RenderLayer, expandPaths };
