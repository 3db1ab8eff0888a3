// setData accounting for the benchmarks and tests/budgets.test.js. For every
// dispatch of an action it counts what three shells would send to the page:
//  - core:    the core's own render patches (effects of kind 'render');
//  - naive:   setData(core.view()) whole, once per dispatch that rendered;
//  - westore: westore 0.1.12's own exported `update(view)` (which calls its
//             exported `diffData(current, previous)`, then setData, then keeps
//             an rfdc clone as `_westorePrevData`), run on a fake page whose
//             data is the core's full view after the dispatch. As in westore,
//             the first update of a page has no previous data and sends all.
//             westore calls setData even with an empty diff; those calls are
//             counted apart (`westoreEmptyCalls`), not in `westore.calls`.
// Bytes are UTF-8 bytes of JSON.stringify(payload), as the client measures.
// It also checks the core's patches: applied in order (setData path rules)
// they rebuild the view, and each path carries a value that changed.
'use strict';

// The package's "main" is an ES module; index.common.js is the same code as CommonJS.
const westore = require('westore/index.common.js');

const bytesOf = (v) => Buffer.byteLength(JSON.stringify(v), 'utf8');
const clone = (v) => (v === undefined ? undefined : JSON.parse(JSON.stringify(v)));

/** 'a.b[2].c' → ['a', 'b', 2, 'c'] (setData's path syntax; keys here are plain). */
function parsePath(p) {
  const out = [];
  const re = /([^.[\]]+)|\[(\d+)\]/g;
  let m;
  while ((m = re.exec(p))) out.push(m[2] !== undefined ? Number(m[2]) : m[1]);
  return out;
}

function getPath(obj, segs) {
  let cur = obj;
  for (const s of segs) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = cur[s];
  }
  return cur;
}

/** Sets a value at a path the way setData does, creating containers on the way. */
function setPath(obj, segs, value) {
  let cur = obj;
  for (let i = 0; i < segs.length - 1; i++) {
    const s = segs[i];
    if (cur[s] === null || typeof cur[s] !== 'object') cur[s] = typeof segs[i + 1] === 'number' ? [] : {};
    cur = cur[s];
  }
  cur[segs[segs.length - 1]] = clone(value);
}

function applyPatch(page, patch) {
  for (const key of Object.keys(patch)) setPath(page, parsePath(key), patch[key]);
  return page;
}

/** null and a missing key are the same to a page (setData cannot delete); keys sorted. */
function stripNulls(v) {
  if (Array.isArray(v)) return v.map(stripNulls);
  if (v && typeof v === 'object') {
    const out = {};
    for (const k of Object.keys(v).sort()) if (v[k] !== null && v[k] !== undefined) out[k] = stripNulls(v[k]);
    return out;
  }
  return v;
}

const same = (a, b) => JSON.stringify(stripNulls(a === undefined ? null : a)) === JSON.stringify(stripNulls(b === undefined ? null : b));

function emptyTally(label) {
  return {
    label,
    dispatches: 0,
    maxRendersPerDispatch: 0,
    core: { calls: 0, bytes: 0, patches: [] },
    naive: { calls: 0, bytes: 0 },
    westore: { calls: 0, bytes: 0 },
    westoreEmptyCalls: 0,
    unchangedPaths: [], // core patch paths whose value did not change
    rebuildsView: true, // core patches applied to the page give the view
  };
}

/**
 * Watches a world (tools/fake-shell.js): call `attach(world)` before its launch
 * so that every dispatch is seen. `begin(label)` starts an action; its tally
 * collects every dispatch until the next begin(). Returns `tallies` (label → tally).
 */
function createAccounting() {
  const page = {}; // what the core's patches built
  const westorePage = { data: null, _westorePrevData: undefined, sent: [], setData(p) { this.sent.push(p); } };
  let prevView = null;
  let current = emptyTally('setup');
  const tallies = {};

  function observe(rec, view) {
    const t = current;
    t.dispatches += 1;
    t.maxRendersPerDispatch = Math.max(t.maxRendersPerDispatch, rec.renders.length);
    for (const patch of rec.renders) {
      t.core.calls += 1;
      t.core.bytes += bytesOf(patch);
      t.core.patches.push(patch);
      for (const key of Object.keys(patch)) {
        const segs = parsePath(key);
        if (prevView && same(getPath(prevView, segs), getPath(view, segs))) t.unchangedPaths.push(key);
      }
      applyPatch(page, patch);
    }
    if (rec.renders.length) {
      t.naive.calls += 1;
      t.naive.bytes += bytesOf(view);
    }
    if (!same(page, view)) t.rebuildsView = false;
    // westore: the page's data becomes the new full view, then westore's update().
    westorePage.data = clone(view);
    westorePage.sent = [];
    westore.update(westorePage);
    for (const p of westorePage.sent) {
      if (Object.keys(p).length === 0) {
        t.westoreEmptyCalls += 1;
      } else {
        t.westore.calls += 1;
        t.westore.bytes += bytesOf(p);
      }
    }
    prevView = view;
  }

  return {
    tallies,
    page,
    attach(world) {
      world.observe = (rec) => observe(rec, world.core.view());
    },
    begin(label) {
      current = emptyTally(label);
      tallies[label] = current;
      return current;
    },
  };
}

/** The checks bench/run.js prints and tests/budgets.test.js asserts, for one tally. */
function verdict(t, { keystroke = false } = {}) {
  const problems = [];
  if (t.core.bytes > t.westore.bytes) problems.push(`core ${t.core.bytes} B > westore ${t.westore.bytes} B`);
  if (t.maxRendersPerDispatch > 1) problems.push(`${t.maxRendersPerDispatch} renders in one dispatch`);
  if (!t.rebuildsView) problems.push('patches do not rebuild the view');
  if (keystroke) {
    if (t.core.calls !== 1) problems.push(`${t.core.calls} setData calls (want exactly 1)`);
    if (t.unchangedPaths.length) problems.push(`unchanged paths sent: ${t.unchangedPaths.join(', ')}`);
  }
  return { pass: problems.length === 0, problems };
}

module.exports = { createAccounting, verdict, bytesOf, applyPatch, parsePath, stripNulls };
