'use strict';
// The render layer's core, shared by the headless runtime (lib/render.js: miniprogram-simulate
// on jsdom, files read with fs) and the browser simulator (sim/phone/render.js: j-component in
// the phone frame, files bundled): pages and components captured from Page()/Component() are
// registered with j-component, with their templates (<include> and <wxs src> inlined) and
// usingComponents; setData is checked, logged and applied path by path; pages are created
// with the client's lifecycle order. Browser-safe: files come in through readFile(rel), the
// j-component / exparser modules through libs().

const { copyForLog, undefinedPaths, byteLength, toHost, parseJsonFile } = require('./util');
const paths = require('./paths');

const SETDATA_MAX_BYTES = 1024 * 1024;
const SETDATA_WARN_BYTES = 256 * 1024;

// exparser mis-resolves component ids containing digits: spell numbers with letters.
const letters = (n) => String(n).split('').map((d) => 'abcdefghij'[+d]).join('');

function walkExparser(node, fn) {
  if (!node) return;
  fn(node);
  if (node.shadowRoot && node.shadowRoot !== node) walkExparser(node.shadowRoot, fn);
  (node.childNodes || []).forEach((c) => walkExparser(c, fn));
}

/** Properties declared with context-realm constructors (String, Number...) -> host constructors. */
const HOST_TYPES = { String, Number, Boolean, Object, Array };
function hostType(t) {
  if (t === null || t === undefined) return t;
  if (typeof t === 'function' && HOST_TYPES[t.name]) return HOST_TYPES[t.name];
  return t;
}
function convertProperties(props) {
  if (!props || typeof props !== 'object') return undefined;
  const out = {};
  for (const k of Object.keys(props)) {
    const p = props[k];
    if (typeof p === 'function' || p === null) out[k] = hostType(p);
    else if (p && typeof p === 'object') {
      const q = Object.assign({}, p);
      if ('type' in q) q.type = hostType(q.type);
      if (Array.isArray(q.optionalTypes)) q.optionalTypes = q.optionalTypes.map(hostType);
      if ('value' in q) q.value = toHost(q.value);
      out[k] = q;
    } else out[k] = p;
  }
  return out;
}

/** Dispatch a WXML event (bubbling across components) on an exparser node, as a user action does. */
function fireEvent(exparser, node, type, detail) {
  const evt = exparser.Event.create(type, detail || {}, {
    bubbles: true,
    composed: true,
    capturePhase: true,
    extraFields: { touches: [], changedTouches: [] },
  });
  exparser.Event.dispatchEvent(node, evt);
}

const PAGE_SPECIAL = new Set(['data', 'options', 'behaviors']);
const PAGE_HOOKS = ['onLoad', 'onShow', 'onReady', 'onHide', 'onUnload', 'onPullDownRefresh', 'onReachBottom', 'onShareAppMessage', 'onPageScroll'];
const COMMON_KEYS = ['observers', 'methods', 'lifetimes', 'pageLifetimes', 'created', 'attached', 'ready', 'moved', 'detached', 'error', 'externalClasses', 'relations', 'export', 'definitionFilter'];

/**
 * The real render layer applies path keys ('form.remark.text', 'list[2].a')
 * and re-renders every binding under the root, including child component
 * properties bound to it. exparser updates the data but not such child
 * properties, so apply the paths here and hand it whole, fresh roots.
 */
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

/**
 * The base of both render layers. `rt` (runtime internals): label (error prefix), appJson,
 * definitions, loadDefinition(rel), logic (toCtx, ctxError), sched.now, log.setData,
 * lifecycle(target, hook, arg, label), reportError(type, err). A subclass defines
 * libs() -> { jComponent, exparser } and readFile(rel) -> text | null, and may override the
 * hooks below the constructor.
 */
class ComponentLayer {
  /**
   * @param {object} o
   * @param {string} o.prefix j-component id prefix (letters only)
   * @param {string} o.renderer how warnings name the renderer
   * @param {boolean} o.virtualClock whether sched.now is a virtual clock (said in warnings)
   */
  constructor(rt, { prefix, renderer = 'j-component', virtualClock = false }) {
    this.rt = rt;
    this.prefix = prefix;
    this.renderer = renderer;
    this.virtualClock = virtualClock;
    this.seq = 0;
    this.registered = new Map(); // rel -> id
    this.meta = new Map(); // id -> { rel, kind, extra, json }
    this.behaviorIds = new Map(); // behavior def -> id
    this.container = null;
    this.setDataTimes = [];
    this.instrumentBehavior = null;
  }

  // ------------------------------------------------------------ hooks
  /** Registers a converted definition (with id, tagName, template, usingComponents, options). */
  registerDefinition(d) {
    this.libs().jComponent.register(d);
  }

  /** Creates an instance of a registered id; returns j-component's RootComponent. */
  createComponent(id, props) {
    return this.libs().jComponent.create(id, props);
  }

  warn(text) {
    this.rt.warnings.push(text);
  }

  /** A non-function field of Page({...}), as the page instance gets it. */
  pageField(value) {
    return this.rt.logic.toCtx(copyForLog(value));
  }

  afterRegister() {}

  afterSetData() {}

  attachPageDom(comp) {
    this.container.appendChild(comp.dom);
  }

  afterCreatePage() {}

  afterDetachPage() {}

  /** Before a page shows again (its onShow). */
  showPageDom() {}

  // ------------------------------------------------------------ files
  readJson(rel) {
    return parseJsonFile(this.readFile(rel), rel, this.rt.label);
  }

  fileExists(rel) {
    return this.readFile(rel) !== null;
  }

  /** WXML with <include> and <wxs src> inlined (j-component cannot read files). */
  readWxml(rel, depth = 0) {
    const label = this.rt.label;
    let text = this.readFile(rel);
    if (text === null) throw new Error(`${label}: missing template ${rel}`);
    if (depth > 16) throw new Error(`${label}: <include> nesting too deep at ${rel}`);
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
      const code = this.readFile(resolveRel(src[1], '.wxs'));
      if (code === null) throw new Error(`${label}: missing wxs ${src[1]} (from ${rel})`);
      return `<wxs module="${mod[1]}">${code}</wxs>`;
    });
    if (/<import\b|<template\s+is\s*=/.test(text)) {
      this.warn(`${rel}: <import>/<template is> are not supported by ${this.renderer}; that part renders nothing`);
    }
    return text;
  }

  /** Resolve a usingComponents value to a package-relative path without extension. */
  resolveComponent(value, ownerRel) {
    const label = this.rt.label;
    if (typeof value !== 'string' || value.startsWith('plugin://')) {
      throw new Error(`${label}: unsupported component reference "${value}" in ${ownerRel}.json`);
    }
    const cands = [];
    if (value.startsWith('/')) cands.push(value.slice(1));
    else {
      cands.push(paths.join(paths.dirname(ownerRel), value));
      cands.push(paths.join('miniprogram_npm', value), paths.join('miniprogram_npm', value, 'index'));
    }
    for (const c of cands) {
      const n = paths.normalize(c);
      if (!n.startsWith('..') && this.fileExists(`${n}.js`)) return n;
      if (!n.startsWith('..') && this.fileExists(`${n}/index.js`)) return `${n}/index`;
    }
    throw new Error(`${label}: component "${value}" used by ${ownerRel} not found in the package`);
  }

  // ------------------------------------------------------------ registration
  /** The behavior that instruments every instance (call once the libraries can load). */
  makeInstrumentBehavior() {
    const layer = this;
    this.instrumentBehavior = this.libs().jComponent.behavior({
      created() { layer.instrument(this); },
    });
  }

  behaviorId(def) {
    if (typeof def === 'string') return def;
    if (this.behaviorIds.has(def)) return this.behaviorIds.get(def);
    const { jComponent } = this.libs();
    const d = this.convertCommon(def);
    const id = jComponent.behavior(d);
    this.behaviorIds.set(def, id);
    return id;
  }

  convertCommon(def) {
    const d = {};
    for (const k of COMMON_KEYS) {
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

  /** Register page or component `rel` (no extension); returns its j-component id. */
  register(rel, tagName, kind, stack = []) {
    if (this.registered.has(rel)) return this.registered.get(rel);
    if (stack.includes(rel)) throw new Error(`${this.rt.label}: circular usingComponents: ${[...stack, rel].join(' -> ')}`);
    const rt = this.rt;
    const json = this.readJson(`${rel}.json`) || {};
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
      if (kind === 'page') { // page hooks written at the top level of Component({...}) still count
        d.methods = d.methods || {};
        for (const k of PAGE_HOOKS) {
          if (typeof captured.def[k] === 'function' && !d.methods[k]) d.methods[k] = captured.def[k];
        }
      }
    }
    d.behaviors = [this.instrumentBehavior, ...(d.behaviors || [])];
    const options = Object.assign({}, captured.def.options || {});
    this.meta.set(id, { rel, kind, extra, json });
    this.registerDefinition(Object.assign(d, { id, tagName, template, usingComponents: using, options }));
    this.registered.set(rel, id);
    this.afterRegister(rel, kind, tagName, using);
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
        layer.warn(`setData on ${meta.rel}: undefined value at ${undef.join(', ')} (the client drops top-level undefined keys; use null)`);
      }
      rt.log.setData.push(entry);
      if (bytes > SETDATA_MAX_BYTES) {
        entry.rejected = true;
        throw rt.logic.ctxError(`setData:fail data size ${bytes} bytes exceeds the 1048576-byte (1 MB) limit (${meta.rel})`);
      }
      if (bytes > SETDATA_WARN_BYTES) layer.warn(`setData on ${meta.rel}: ${bytes} bytes > 256 KB`);
      const now = rt.sched.now;
      layer.setDataTimes.push(now);
      layer.setDataTimes = layer.setDataTimes.filter((t) => t > now - 1000);
      if (layer.setDataTimes.length === 21) {
        layer.warn(`setData: more than 20 calls within 1 s${layer.virtualClock ? ` (virtual) at t=${now}` : ''}`);
      }
      const clean = {};
      for (const k of Object.keys(payload)) if (payload[k] !== undefined) clean[k] = toHost(payload[k]);
      const out = orig.call(this, expandPaths(this.data, clean), callback);
      layer.afterSetData();
      return out;
    };
    if (meta.kind === 'page') {
      caller.route = meta.rel;
      caller.__route__ = meta.rel;
      caller.options = {};
      if (meta.extra) for (const [k, v] of Object.entries(meta.extra)) caller[k] = this.pageField(v);
    }
  }

  /**
   * Create and attach a page; runs created/attached, onLoad(query), onShow, ready, onReady.
   * `onCreated(page)` runs before onLoad (the page is on getCurrentPages() from onLoad on).
   */
  createPage(rel, query, onCreated) {
    const { exparser } = this.libs();
    const rt = this.rt;
    const id = this.register(rel, 'page', 'page');
    const captured = rt.definitions.get(rel);
    const props = {};
    const declared = (captured.kind === 'Component' && captured.def.properties) || {};
    for (const k of Object.keys(query || {})) if (Object.prototype.hasOwnProperty.call(declared, k)) props[k] = query[k];
    const comp = this.createComponent(id, props);
    const caller = comp.instance;
    const page = { rel, comp, caller, query, json: this.meta.get(id).json };
    if (onCreated) onCreated(page);
    const ctxQuery = rt.logic.toCtx(query || {});
    caller.options = ctxQuery;
    this.attachPageDom(comp);
    exparser.Element.pretendAttached(comp._exparserNode);
    rt.lifecycle(caller, 'onLoad', ctxQuery, rel);
    rt.lifecycle(caller, 'onShow', undefined, rel);
    this.pageLifetime(page, 'show');
    const readyAll = (node) => { // children first, like j-component's attach()
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
    this.afterCreatePage(page);
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
    const { exparser } = this.libs();
    try {
      exparser.Element.pretendDetached(page.comp._exparserNode);
    } catch (e) {
      this.rt.reportError(`${page.rel} detached`, e);
    }
    if (page.comp.dom.parentNode) page.comp.dom.parentNode.removeChild(page.comp.dom);
    this.afterDetachPage(page);
  }
}

module.exports = {
  ComponentLayer, expandPaths, convertProperties, walkExparser, fireEvent, letters, PAGE_HOOKS, SETDATA_MAX_BYTES, SETDATA_WARN_BYTES,
};
