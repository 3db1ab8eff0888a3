// Shared by the component tests: load components once per test file (loading
// one path twice breaks the simulator), render them attached to the document,
// and record the events they emit. Not a test file.
'use strict';
const path = require('path');
const simulate = require('miniprogram-simulate');

const ROOT = path.resolve(__dirname, '../../miniprogram');

/**
 * The core's real view models, one per route: tests/page_views.rs renders
 * them from real models and fails when a file drifts (WCC_UPDATE_VIEWS=1
 * rewrites them).
 */
const views = {
  card: require('./views/card.json'),
  compose: require('./views/compose.json'),
  group: require('./views/group.json'),
  home: require('./views/home.json'),
  notice: require('./views/notice.json'),
  loading: require('./views/loading.json'),
};

/**
 * The official WXML compiler warns about wx:for without wx:key; the mobile
 * rows have none on purpose (numbers may repeat while being edited).
 */
function quietWxKeyWarnings() {
  const warn = console.warn;
  beforeAll(() => {
    jest.spyOn(console, 'warn').mockImplementation((...args) => {
      if (/wx:key/.test(String(args[0]))) return;
      warn(...args);
    });
  });
  afterAll(() => console.warn.mockRestore());
}

/** A deep copy, so a test can change a view without touching the others. */
const copy = (v) => JSON.parse(JSON.stringify(v));

const ids = {};
function load(name) {
  if (!ids[name]) ids[name] = simulate.load(path.join(ROOT, `components/${name}/${name}`), { rootPath: ROOT });
  return ids[name];
}

/** Renders a component attached to the document, recording its events. */
function render(name, props) {
  const comp = simulate.render(load(name), props);
  comp.attach(document.createElement('parent-wrapper'));
  const events = [];
  comp.addEventListener('action', (e) => events.push({ type: 'action', detail: e.detail }));
  comp.addEventListener('change', (e) => events.push({ type: 'change', detail: e.detail }));
  return { comp, events };
}

/** Every path in an object whose value is undefined. */
function undefinedPaths(value, at = '') {
  if (value === undefined) return [at || '(root)'];
  if (value === null || typeof value !== 'object') return [];
  const out = [];
  for (const key of Object.keys(value)) out.push(...undefinedPaths(value[key], `${at}.${key}`));
  return out;
}

/** The text of a node (and everything below it). */
const text = (node) => (node ? node.dom.textContent.replace(/\s+/g, ' ').trim() : null);

/** A rendered attribute or property of a node (as in its toJSON), else undefined. */
function attr(node, name) {
  const found = node.toJSON().attrs.find((a) => a.name === name);
  return found ? found.value : undefined;
}

/** Taps a node, then lets the simulator flush. */
async function tap(node, detail) {
  node.dispatchEvent('tap', detail ? { detail } : {});
  await simulate.sleep(0);
}

/** Types a value into a node, then lets the simulator flush. */
async function type(node, value) {
  node.dispatchEvent('input', { detail: { value } });
  await simulate.sleep(0);
}

module.exports = { ROOT, views, simulate, quietWxKeyWarnings, copy, load, render, undefinedPaths, text, attr, tap, type };
