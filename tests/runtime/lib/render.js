'use strict';
// Render layer: pages and components captured from the logic layer are registered with
// miniprogram-simulate / j-component (which needs a jsdom document) and rendered there.

const fs = require('fs');
const path = require('path');
const { copyForLog, undefinedPaths, byteLength, toHost } = require('./util');

const SETDATA_MAX_BYTES = 1024 * 1024;
const SETDATA_WARN_BYTES = 256 * 1024;
const INLINE_TAGS = new Set(['WX-TEXT', 'WX-LABEL', 'SPAN']);

let libs = null;
function loadLibs() {
  if (libs) return libs;
  if (typeof document === 'undefined' || typeof window === 'undefined') {
    throw new Error('wecom runtime: the render layer needs a DOM; put `/** @jest-environment jsdom */` at the top of the test file');
  }
  const simulate = require('miniprogram-simulate');
  const jComponent = require('j-component');
  const exparser = require('miniprogram-exparser');
  exparser.addGlobalErrorListener((err, info) => {
    const id = info && info.element && info.element.is;
    const rt = [...active].find((r) => typeof id === 'string' && id.startsWith(r.render.prefix)) || [...active].pop();
    if (!rt) return true;
    rt.reportError(`render: ${(info && info.message) || 'component error'}`, err);
    return false; // handled: do not console.error
  });
  libs = { simulate, jComponent, exparser };
  return libs;
}
const active = new Set();

let runtimeSeq = 0;
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

const PAGE_SPECIAL = new Set(['data', 'options', 'behaviors']);
const PAGE_HOOKS = ['onLoad', 'onShow', 'onReady', 'onHide', 'onUnload', 'onPullDownRefresh', 'onReachBottom', 'onShareAppMessage', 'onPageScroll'];

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

class RenderLayer {
  constructor(rt) {
    this.rt = rt;
    this.prefix = `wrt${letters(++runtimeSeq)}x`;
    this.seq = 0;
    this.registered = new Map(); // rel -> id
    this.meta = new Map(); // id -> { rel, kind, extra }
    this.behaviorIds = new Map(); // behavior def -> id
    this.container = null;
    this.setDataTimes = [];
  }

  start() {
    const { jComponent } = loadLibs();
    active.add(this.rt);
    this.container = document.createElement('div');
    this.container.setAttribute('data-wecom-runtime', this.prefix);
    const layer = this;
    this.instrumentBehavior = jComponent.behavior({
      created() { layer.instrument(this); },
    });
  }

  stop() {
    active.delete(this.rt);
  }

  // ------------------------------------------------------------ files
  readFile(rel) {
    const abs = path.join(this.rt.packageDir, rel);
    return fs.existsSync(abs) ? fs.readFileSync(abs, 'utf8') : null;
  }

  readJson(rel) {
    const text = this.readFile(rel);
    if (text === null) return null;
    try {
      return JSON.parse(text);
    } catch (e) {
      throw new Error(`wecom runtime: invalid JSON in ${rel}: ${e.message}`);
    }
  }

  /** WXML with <include> and <wxs src> inlined (j-component cannot read files). */
  readWxml(rel, depth = 0) {
    let text = this.readFile(rel);
    if (text === null) throw new Error(`wecom runtime: missing template ${rel}`);
    if (depth > 16) throw new Error(`wecom runtime: <include> nesting too deep at ${rel}`);
    const dir = path.posix.dirname(rel);
    const resolveRel = (src, ext) => {
      let r = src.startsWith('/') ? src.slice(1) : path.posix.join(dir, src);
      if (!r.endsWith(ext)) r += ext;
      return path.posix.normalize(r);
    };
    text = text.replace(/<include\s+src\s*=\s*["']([^"']+)["']\s*\/?>(\s*<\/include>)?/g, (m, src) => this.readWxml(resolveRel(src, '.wxml'), depth + 1));
    text = text.replace(/<wxs\b([^>]*?)\/?>(\s*<\/wxs>)?/g, (m, attrs) => {
      const src = /\bsrc\s*=\s*["']([^"']+)["']/.exec(attrs);
      const mod = /\bmodule\s*=\s*["']([^"']+)["']/.exec(attrs);
      if (!src || !mod) return m;
      const code = this.readFile(resolveRel(src[1], '.wxs'));
      if (code === null) throw new Error(`wecom runtime: missing wxs ${src[1]} (from ${rel})`);
      return `<wxs module="${mod[1]}">${code}</wxs>`;
    });
    if (/<import\b|<template\s+is\s*=/.test(text)) {
      this.rt.warnings.push(`${rel}: <import>/<template is> are not supported by the test renderer (j-component); that part renders nothing`);
    }
    return text;
  }

  /** Resolve a usingComponents value to a package-relative path without extension. */
  resolveComponent(value, ownerRel) {
    if (typeof value !== 'string' || value.startsWith('plugin://')) {
      throw new Error(`wecom runtime: unsupported component reference "${value}" in ${ownerRel}.json`);
    }
    const cands = [];
    if (value.startsWith('/')) cands.push(value.slice(1));
    else {
      cands.push(path.posix.join(path.posix.dirname(ownerRel), value));
      cands.push(path.posix.join('miniprogram_npm', value), path.posix.join('miniprogram_npm', value, 'index'));
    }
    for (const c of cands) {
      const n = path.posix.normalize(c);
      if (!n.startsWith('..') && this.readFile(`${n}.js`) !== null) return n;
      if (!n.startsWith('..') && this.readFile(`${n}/index.js`) !== null) return `${n}/index`;
    }
    throw new Error(`wecom runtime: component "${value}" used by ${ownerRel} not found in the package`);
  }

  // ------------------------------------------------------------ registration
  behaviorId(def) {
    if (typeof def === 'string') return def;
    if (this.behaviorIds.has(def)) return this.behaviorIds.get(def);
    const { jComponent } = loadLibs();
    const d = this.convertCommon(def);
    const id = jComponent.behavior(d);
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

  /** Register page or component `rel` (no extension); returns its j-component id. */
  register(rel, tagName, kind, stack = []) {
    if (this.registered.has(rel)) return this.registered.get(rel);
    if (stack.includes(rel)) throw new Error(`wecom runtime: circular usingComponents: ${[...stack, rel].join(' -> ')}`);
    const { simulate } = loadLibs();
    const rt = this.rt;
    const json = this.readJson(`${rel}.json`) || {};
    const appUsing = (rt.appJson && rt.appJson.usingComponents) || {};
    const using = {};
    const allUsing = Object.assign({}, appUsing, json.usingComponents || {});
    for (const [tag, value] of Object.entries(allUsing)) {
      const owner = Object.prototype.hasOwnProperty.call(json.usingComponents || {}, tag) ? rel : 'app';
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
    this.meta.set(id, { rel, kind, extra });
    simulate.load(Object.assign(d, { id, tagName, template, usingComponents: using, options }));
    this.registered.set(rel, id);
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
        rt.warnings.push(`setData on ${meta.rel}: undefined value at ${undef.join(', ')} (the client drops top-level undefined keys; use null)`);
      }
      rt.log.setData.push(entry);
      if (bytes > SETDATA_MAX_BYTES) {
        entry.rejected = true;
        throw rt.logic.ctxError(`setData:fail data size ${bytes} bytes exceeds the 1048576-byte (1 MB) limit (${meta.rel})`);
      }
      if (bytes > SETDATA_WARN_BYTES) rt.warnings.push(`setData on ${meta.rel}: ${bytes} bytes > 256 KB`);
      layer.setDataTimes.push(rt.sched.now);
      layer.setDataTimes = layer.setDataTimes.filter((t) => t > rt.sched.now - 1000);
      if (layer.setDataTimes.length === 21) rt.warnings.push(`setData: more than 20 calls within 1 s (virtual) at t=${rt.sched.now}`);
      const clean = {};
      for (const k of Object.keys(payload)) if (payload[k] !== undefined) clean[k] = toHost(payload[k]);
      return orig.call(this, expandPaths(this.data, clean), callback);
    };
    if (meta.kind === 'page') {
      caller.route = meta.rel;
      caller.__route__ = meta.rel;
      caller.options = {};
      if (meta.extra) for (const [k, v] of Object.entries(meta.extra)) caller[k] = rt.logic.toCtx(copyForLog(v));
    }
  }

  /**
   * Create and attach a page; runs created/attached, onLoad(query), onShow, ready, onReady.
   * `onCreated(page)` runs before onLoad (the page is on getCurrentPages() from onLoad on).
   */
  createPage(rel, query, onCreated) {
    const { simulate, exparser } = loadLibs();
    const rt = this.rt;
    const id = this.register(rel, 'page', 'page');
    const captured = rt.definitions.get(rel);
    const props = {};
    const declared = (captured.kind === 'Component' && captured.def.properties) || {};
    for (const k of Object.keys(query || {})) if (Object.prototype.hasOwnProperty.call(declared, k)) props[k] = query[k];
    const comp = simulate.render(id, props);
    const caller = comp.instance;
    const page = { rel, comp, caller, query };
    if (onCreated) onCreated(page);
    const ctxQuery = rt.logic.toCtx(query || {});
    caller.options = ctxQuery;
    this.container.appendChild(comp.dom);
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
    const { exparser } = loadLibs();
    try {
      exparser.Element.pretendDetached(page.comp._exparserNode);
    } catch (e) {
      this.rt.reportError(`${page.rel} detached`, e);
    }
    if (page.comp.dom.parentNode) page.comp.dom.parentNode.removeChild(page.comp.dom);
  }

  /** Mirror exparser ids onto DOM elements so CSS selectors like #id work. */
  syncIds(page) {
    walkExparser(page.comp._exparserNode, (n) => {
      if (n.$$ && n.$$.setAttribute && typeof n.id === 'string' && n.id) n.$$.setAttribute('id', n.id);
    });
  }

  isHidden(el) {
    const node = el.__wxElement;
    const attrs = node && node._vt && node._vt.attrs;
    if (!attrs) return false;
    const h = attrs.find((a) => a.name === 'hidden');
    return !!(h && h.value !== false && h.value !== 'false' && h.value !== undefined && h.value !== null);
  }

  text(page) {
    const parts = [];
    const walk = (n) => {
      if (n.nodeType === 3) { parts.push(n.nodeValue); return; }
      if (n.nodeType !== 1) return;
      if (this.isHidden(n)) return;
      const block = !INLINE_TAGS.has(n.tagName);
      if (block) parts.push(' ');
      n.childNodes.forEach(walk);
      if (block) parts.push(' ');
    };
    walk(page.comp.dom);
    return parts.join('').replace(/\s+/g, ' ').trim();
  }

  find(page, selector) {
    this.syncIds(page);
    const root = page.comp.dom;
    const el = root.matches && root.matches(selector) ? root : root.querySelector(selector);
    if (!el) throw new Error(`wecom runtime: no element matches "${selector}" on ${page.rel}`);
    if (!el.__wxElement) throw new Error(`wecom runtime: "${selector}" is not a rendered WXML node`);
    return el;
  }

  /** Current evaluated value of a WXML attribute (e.g. input value, disabled, src). */
  attr(page, selector, name) {
    const el = this.find(page, selector);
    const attrs = (el.__wxElement._vt && el.__wxElement._vt.attrs) || [];
    const a = attrs.find((x) => x.name === name);
    return a ? a.value : undefined;
  }

  dispatch(page, selector, type, detail) {
    const { exparser } = loadLibs();
    const el = this.find(page, selector);
    const evt = exparser.Event.create(type, detail || {}, {
      bubbles: true,
      composed: true,
      capturePhase: true,
      extraFields: { touches: [], changedTouches: [] },
    });
    exparser.Event.dispatchEvent(el.__wxElement, evt);
  }
}

module.exports = { RenderLayer };
