'use strict';
// Render layer: pages and components captured from the logic layer are registered with
// miniprogram-simulate / j-component (which needs a jsdom document) and rendered there.
// Registration, setData and page lifecycles are lib/components.js, shared with the browser
// simulator; this file reads the package's files with fs and adds what tests query.

const fs = require('fs');
const path = require('path');
const { ComponentLayer, walkExparser, fireEvent, letters } = require('./components');

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

class RenderLayer extends ComponentLayer {
  constructor(rt) {
    super(rt, { prefix: `wrt${letters(++runtimeSeq)}x`, renderer: 'the test renderer (j-component)', virtualClock: true });
  }

  libs() {
    return loadLibs();
  }

  start() {
    loadLibs();
    active.add(this.rt);
    this.container = document.createElement('div');
    this.container.setAttribute('data-wecom-runtime', this.prefix);
    this.makeInstrumentBehavior();
  }

  stop() {
    active.delete(this.rt);
  }

  registerDefinition(d) {
    loadLibs().simulate.load(d);
  }

  createComponent(id, props) {
    return loadLibs().simulate.render(id, props);
  }

  // ------------------------------------------------------------ files
  readFile(rel) {
    const abs = path.join(this.rt.packageDir, rel);
    return fs.existsSync(abs) ? fs.readFileSync(abs, 'utf8') : null;
  }

  // ------------------------------------------------------------ queries
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
    fireEvent(exparser, el.__wxElement, type, detail);
  }
}

module.exports = { RenderLayer };
