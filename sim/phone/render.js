'use strict';
// The render layer in the browser: the pages and components captured from Page()/Component()
// are registered with j-component (templates from .wxml, usingComponents from .json, inlined
// at build time) and rendered into the phone frame, with their .wxss applied. Taps, typing,
// switches and focus/blur reach the WXML handlers as exparser events.
// Registration, setData and page lifecycles are tools/runtime/lib/components.js, shared with
// the headless runtime (whose render.js reads files with fs and loads miniprogram-simulate for
// jsdom); this file adds the styles, the page frame and the real form controls.

const jComponent = require('j-component');
const exparser = require('miniprogram-exparser');
const { copyForLog } = require('../../tools/runtime/lib/util');
const { ComponentLayer, walkExparser, fireEvent, expandPaths } = require('../../tools/runtime/lib/components');
const wxss = require('./wxss');

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

function vtAttr(el, name) {
  const node = el && el.__wxElement;
  const attrs = (node && node._vt && node._vt.attrs) || [];
  const a = attrs.find((x) => x.name === name);
  return a ? a.value : undefined;
}

const truthy = (v) => v !== undefined && v !== null && v !== false && v !== 'false' && v !== '';

class RenderLayer extends ComponentLayer {
  constructor(rt, container) {
    super(rt, { prefix: 'wsim', renderer: 'j-component', virtualClock: false });
    this.logic = rt.logic;
    this.container = container;
    this.styles = [];
    registerBuiltins();
    // A page or component method that throws (a tap handler, an observer) is exparser's to
    // catch; it goes to the runtime's errors, as on a client (App.onError), and from there to
    // the page and the terminal with its file and line (sim/server.js /__sim/runtime-error).
    if (!this.constructor.errorsHooked) {
      this.constructor.errorsHooked = true;
      exparser.addGlobalErrorListener((err, info) => {
        const current = RenderLayer.current;
        if (!current) return true;
        current.rt.reportError(`render: ${(info && info.message) || 'component error'}`, err);
        return false;
      });
    }
    RenderLayer.current = this;
    this.makeInstrumentBehavior();
    this.observer = new MutationObserver(() => this.decorate());
    this.observer.observe(container, { childList: true, subtree: true, attributes: true, attributeFilter: ['class'] });
    container.addEventListener('click', (e) => this.onClick(e));
  }

  libs() {
    return { jComponent, exparser };
  }

  warn(text) {
    this.rt.warn(text);
  }

  // ------------------------------------------------------------ files
  readFile(rel) {
    return this.logic.readFile(rel);
  }

  readJson(rel) {
    return this.logic.readJson(rel);
  }

  fileExists(rel) {
    return this.logic.exists(rel);
  }

  addStyle(css, label) {
    const style = document.createElement('style');
    style.setAttribute('data-wxss', label);
    style.textContent = css;
    document.head.appendChild(style);
  }

  // ------------------------------------------------------------ hooks of ComponentLayer
  /**
   * A component's styles: scoped to its host tag, stopping at the components it uses. A page's
   * styles reach into its components (they all set addGlobalClass), so no limit there.
   */
  afterRegister(rel, kind, tagName, using) {
    const css = this.logic.readFile(`${rel}.wxss`);
    if (css) {
      this.addStyle(wxss.compile(css, {
        scope: kind === 'page' ? 'page' : tagName,
        limits: kind === 'page' ? [] : Object.keys(using),
      }), rel);
    }
  }

  /** One realm: Page({...}) fields need no crossing. */
  pageField(value) {
    return copyForLog(value);
  }

  afterSetData() {
    this.scheduleDecorate(); // input values change in the template data, not in the DOM
    this.rt.notify('setData');
  }

  attachPageDom(comp) {
    for (const other of this.container.children) other.style.display = 'none';
    this.container.appendChild(comp.dom);
  }

  afterCreatePage() {
    this.decorate();
  }

  afterDetachPage() {
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
      for (const el of this.container.querySelectorAll('wx-input, wx-textarea, wx-switch, wx-image')) this.decorateOne(el);
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
    if (tag === 'wx-image') {
      // A real <img>: it loads the src (lazily when lazy-load is set) and a failure reaches
      // the WXML's binderror, as on the client.
      let img = el.querySelector(':scope > img.sim-image');
      if (!img) {
        img = document.createElement('img');
        img.className = 'sim-image';
        img.style.width = '100%';
        img.style.height = '100%';
        img.style.objectFit = 'cover';
        img.style.borderRadius = 'inherit';
        img.addEventListener('error', () => this.fire(el, 'error', { errMsg: `GET ${img.src} failed` }));
        img.addEventListener('load', () => this.fire(el, 'load', { width: img.naturalWidth, height: img.naturalHeight }));
        el.appendChild(img);
      }
      if (truthy(vtAttr(el, 'lazy-load') || vtAttr(el, 'lazyLoad'))) img.loading = 'lazy';
      const src = vtAttr(el, 'src');
      const text = src === undefined || src === null ? '' : String(src);
      if (img.getAttribute('src') !== text) img.setAttribute('src', text);
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
    fireEvent(exparser, el.__wxElement, type, detail);
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
