// Runs one generated sequence (tests/property/model.js) on every engine at
// once, in lockstep, and checks the invariants after every dispatch. The
// shell that performs effects at the end ("answer everything") is
// tools/fake-shell.js's, wrapped around the lockstep handle.
//
// Invariants, after every dispatch, on every engine:
//  - no trap: a throw always carries a `code`, and the handle still answers;
//  - a refusal (an Error with a code) leaves the handle unchanged (same snapshot);
//  - no `undefined` anywhere in the effects or the view;
//  - at most one render effect per dispatch;
//  - the render patches so far, applied in order to the first view with
//    setData's path rules (tools/runtime's expandPaths; a null is a removed
//    key), give exactly core.view();
//  - Core.restore(core.snapshot()) succeeds and its view() deep-equals core.view();
//  - every engine returns the same effects (or the same refusal), view and snapshot.
// The shell's own events are never refused: an answer to an effect the core
// emitted (else that request never resolves), a tap or a keystroke on what
// the page offers, a lifecycle event.
// And about storage, on the wasm engine's effects (both must agree anyway):
//  - a readable outbox entry found in storage at launch is still there after it;
//  - a draft is removed on `tap save` (or when a write is acknowledged) only
//    once what it held is safe: storage durably (write acknowledged) holds
//    the save in the outbox, or the damaged draft in quarantine, or the
//    backend has confirmed a save for that customer.
// And at the end, when the launch was accepted: after the shell answers every
// effect still waiting (with success; the network back, the app shown), the
// page is not stuck on the loading route.
'use strict';

const { expandPaths } = require('../../tools/runtime/lib/components');
const { stripNulls } = require('../../bench/setdata.js');
const { createWorld, createBackend, data } = require('../../tools/fake-shell.js');
const model = require('./model.js');

/** Steps that send what a real shell sends (not deliberately odd or stale events). */
const OWN_STEPS = new Set(['answer', 'tap', 'input', 'show', 'hide', 'noop', 'online', 'offline']);

const CONFIG = { backendUrl: 'https://api.example.com', locale: 'zh' };

class Violation extends Error {
  constructor(invariant, detail) {
    super(`${invariant}: ${detail}`);
    this.invariant = invariant;
    this.detail = detail;
  }
}

/** Invariants not checked in this run (exploration only: runSequence's `skip` option). */
let skipped = new Set();

/** Fails the run with this invariant, unless it is skipped. */
function violate(invariant, detail) {
  if (!skipped.has(invariant)) throw new Violation(invariant, detail);
}

const json = (v) => (v === undefined ? undefined : JSON.parse(JSON.stringify(v)));

/** The path of the first undefined inside v, or null. */
function findUndefined(v, where) {
  if (v === undefined) return where;
  if (v && typeof v === 'object') {
    for (const k of Object.keys(v)) {
      const p = findUndefined(v[k], Array.isArray(v) ? `${where}[${k}]` : `${where}.${k}`);
      if (p) return p;
    }
  }
  return null;
}

/** Where two JSON values first differ, with both sides (shortened). */
function firstDifference(a, b, where = '') {
  if (JSON.stringify(a) === JSON.stringify(b)) return null;
  if (a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    for (const k of keys) {
      const d = firstDifference(a[k], b[k], Array.isArray(a) ? `${where}[${k}]` : `${where}.${k}`);
      if (d) return d;
    }
  }
  return `${where || '(root)'}: ${short(a)} vs ${short(b)}`;
}

function short(v, max = 300) {
  const s = v === undefined ? 'undefined' : JSON.stringify(v);
  return s.length > max ? `${s.slice(0, max)}… (${s.length} chars)` : s;
}

/** An event, shortened for reports (long strings cut). */
function brief(ev) {
  return JSON.parse(JSON.stringify(ev, (k, v) => (typeof v === 'string' && v.length > 120 ? `${v.slice(0, 120)}…(${v.length} chars)` : v)));
}

/** What a dispatch may legitimately throw: the core refusing input. */
const isRefusal = (err) => !!err && typeof err.code === 'string';

function freeCore(c) {
  if (c && typeof c.free === 'function') {
    try { c.free(); } catch (e) { /* already gone */ }
  }
}

/** One engine's handle and what the checks remember about it. */
function createLane(engine) {
  const core = new engine.Core(CONFIG);
  const view = json(core.view());
  return { engine, core, page: view, snap: core.snapshot() };
}

/** Dispatch on one lane and check everything about that lane. */
function dispatchOne(lane, event) {
  const name = lane.engine.name;
  const before = lane.snap;
  let effects = null;
  let refusal = null;
  const trap = (what, err) => {
    lane.engine.poisoned = true;
    return new Violation('no trap', `${name}: ${what} threw without a code: ${err && err.message ? err.message : String(err)}`);
  };
  try {
    effects = lane.core.dispatch(event);
  } catch (err) {
    if (!isRefusal(err)) throw trap('dispatch', err);
    refusal = { code: err.code, message: String(err.message) };
  }
  let view;
  let snap;
  try {
    view = lane.core.view();
    snap = lane.core.snapshot();
  } catch (err) {
    if (!isRefusal(err)) throw trap('view()/snapshot() after the dispatch', err);
    throw new Violation('the handle still answers', `${name}: view()/snapshot() refused after the dispatch: [${err.code}] ${err.message}`);
  }
  const undefView = findUndefined(view, 'view');
  if (undefView) violate('no undefined in views', `${name}: ${undefView}`);
  if (refusal) {
    if (snap !== before) {
      violate('a refusal leaves the handle unchanged', `${name}: refused with [${refusal.code}] ${refusal.message}, yet the snapshot changed: ${firstDifference(JSON.parse(before), JSON.parse(snap))}`);
    }
  } else {
    const undefFx = findUndefined(effects, 'effects');
    if (undefFx) violate('no undefined in effects', `${name}: ${undefFx}`);
    const renders = effects.filter((e) => e && e.kind === 'render');
    if (renders.length > 1) violate('at most one render effect per dispatch', `${name}: ${renders.length} renders`);
    for (const r of renders) lane.page = Object.assign({}, lane.page, json(expandPaths(lane.page, json(r.patch))));
  }
  const viewJson = json(view);
  const applied = stripNulls(lane.page);
  const shown = stripNulls(viewJson);
  if (JSON.stringify(applied) !== JSON.stringify(shown)) {
    violate('the render patches rebuild the view', `${name}: ${firstDifference(applied, shown)}`);
  }
  let restored = null;
  try {
    restored = lane.engine.Core.restore(snap);
  } catch (err) {
    if (!isRefusal(err)) throw trap('Core.restore(snapshot)', err);
    violate('Core.restore(core.snapshot()) succeeds', `${name}: [${err.code}] ${err.message} (snapshot of ${snap.length} chars)`);
  }
  if (restored) {
    let back;
    try {
      back = json(restored.view());
    } catch (err) {
      if (!isRefusal(err)) throw trap('restored.view()', err);
      back = { refused: `[${err.code}] ${err.message}` };
    } finally {
      freeCore(restored);
    }
    if (JSON.stringify(back) !== JSON.stringify(viewJson)) {
      violate('Core.restore(core.snapshot()).view() deep-equals core.view()', `${name}: ${firstDifference(viewJson, back)}`);
    }
  }
  lane.snap = snap;
  return { effects, refusal, view: viewJson, snap, effectsJson: refusal ? null : JSON.stringify(effects) };
}

/**
 * Storage as the shell sees it: `eventual` (every write landed), `durable`
 * (only acknowledged writes); and the customers whose save the backend confirmed.
 */
function createStorage(initial) {
  return { eventual: Object.assign({}, initial), durable: Object.assign({}, initial), writes: [], requests: new Map(), confirmed: new Set() };
}

/** The customer a remark or mark-tag request is for, or null. */
function savedCustomer(url) {
  const m = /\/external-contacts\/([^/?]+)\/(remark|mark-tag)/.exec(String(url || ''));
  return m ? decodeURIComponent(m[1]) : null;
}

function storageAfter(storage, event, effects, checks) {
  if (event && event.type === 'storageResult') {
    const w = storage.writes.find((x) => x.id === event.id && !x.acked);
    if (w) {
      w.acked = true;
      if (event.ok === true && !w.superseded) storage.durable[w.key] = w.value;
    }
  }
  if (event && event.type === 'httpResult' && event.status >= 200 && event.status < 300) {
    const ext = savedCustomer(storage.requests.get(event.id));
    // The contract's answer is {errcode, errmsg}: a JSON object whose errcode is 0 (or, leniently, absent).
    let body = null;
    try {
      body = JSON.parse(event.body);
    } catch (e) {
      body = null;
    }
    const ok = body && typeof body === 'object' && !Array.isArray(body) && (body.errcode === undefined || Number(body.errcode) === 0);
    if (ext && ok) storage.confirmed.add(ext);
  }
  const saving = event && ((event.type === 'tap' && event.action === 'save') || (event.type === 'storageResult' && event.ok === true));
  for (const e of effects) {
    if (e.kind === 'http') storage.requests.set(e.id, e.url);
    if (e.kind === 'storageSet') {
      storage.writes.push({ id: e.id, key: e.key, value: e.value, acked: false, superseded: false });
      storage.eventual[e.key] = e.value;
    } else if (e.kind === 'storageRemove') {
      for (const w of storage.writes) if (w.key === e.key && !w.acked) w.superseded = true;
      delete storage.eventual[e.key];
      delete storage.durable[e.key];
      const ext = e.key.startsWith('wcc:draft:') ? e.key.slice('wcc:draft:'.length) : null;
      if (checks && saving && ext) {
        const outbox = storage.durable['wcc:outbox'];
        const inOutbox = typeof outbox === 'string' && outbox.includes(ext);
        const quarantined = typeof storage.durable[`wcc-quarantine:${e.key}`] === 'string';
        if (!inOutbox && !quarantined && !storage.confirmed.has(ext)) {
          violate('a draft is removed only once the save is durably in the outbox',
            `${event.type === 'tap' ? 'tap save' : `storageResult ${event.id}`} removed ${e.key} while the acknowledged wcc:outbox is ${short(outbox === undefined ? null : outbox, 200)}, no quarantine copy is acknowledged and the backend confirmed no save for ${ext}`);
        }
      }
    }
  }
}

/**
 * Runs one sequence on every engine (the first is the reference whose
 * effects the shell answers). Resolves `{ ok: true, trace }` or
 * `{ ok: false, error, trace }`; `trace` lists every event dispatched, with
 * the reference's outcome. `skip` names invariants not to check, to look
 * past a known failure while exploring (never in the tests).
 */
async function runSequence(engines, seq, { drain = true, maxDrainRounds = 80, skip = [] } = {}) {
  for (const e of engines) await e.fresh();
  skipped = new Set(skip);
  const lanes = [];
  const trace = [];
  try {
    for (const e of engines) lanes.push(createLane(e));
  } catch (err) {
    for (const l of lanes) freeCore(l.core);
    return { ok: false, error: new Violation('new Core(config) works', String(err && err.message)), trace };
  }
  const launch = seq.launch;
  const storage = createStorage(launch.event.storage);
  let launchAccepted = false;
  /** Whether the event being sent is one the shell itself sends (not a deliberately odd one). */
  let ownEvent = false;
  const state = model.createShellState({ context: launch.context, httpOk: null, now: launch.event.now });

  // The handle tools/fake-shell.js drives: every event goes to all lanes, is checked, and compared.
  const lockstep = {
    dispatch(event) {
      const entry = { event: brief(event) };
      trace.push(entry);
      const results = lanes.map((lane) => dispatchOne(lane, event));
      const ref = results[0];
      if (ref.refusal) entry.refused = `[${ref.refusal.code}] ${ref.refusal.message}`;
      else entry.effects = ref.effects.map((e) => e.kind).join(',');
      for (let i = 1; i < results.length; i++) {
        const other = results[i];
        const a = lanes[0].engine.name;
        const b = lanes[i].engine.name;
        if (JSON.stringify(ref.refusal) !== JSON.stringify(other.refusal) || ref.effectsJson !== other.effectsJson) {
          violate('both engines return the same effects', `${a} ${short(ref.refusal || json(ref.effects))} vs ${b} ${short(other.refusal || json(other.effects))}`);
        }
        if (JSON.stringify(ref.view) !== JSON.stringify(other.view)) violate('both engines show the same view', `${a} vs ${b}: ${firstDifference(ref.view, other.view)}`);
        if (ref.snap !== other.snap) violate('both engines write the same snapshot', `${a} vs ${b}: ${firstDifference(JSON.parse(ref.snap), JSON.parse(other.snap))}`);
      }
      state.view = ref.view;
      if (ref.refusal && ownEvent && event.type !== 'launch') {
        violate('the shell\'s own events are never refused', `${event.type}${event.action ? ` ${event.action}` : ''}${event.field ? ` ${event.field}` : ''} refused: [${ref.refusal.code}] ${ref.refusal.message}`);
      }
      if (ref.refusal) {
        model.observeRefused(state, event);
        const err = new Error(ref.refusal.message);
        err.code = ref.refusal.code;
        throw err;
      }
      const effects = json(ref.effects);
      if (event.type === 'launch') launchAccepted = true;
      model.observe(state, event, effects);
      storageAfter(storage, event, effects, true);
      if (event.type === 'launch') {
        for (const key of launch.validOutboxKeys) {
          const outbox = storage.eventual['wcc:outbox'];
          if (typeof outbox !== 'string' || !outbox.includes(JSON.stringify(key))) {
            violate('a readable outbox entry in storage survives the launch',
              `entry ${key} was in wcc:outbox at launch; afterwards wcc:outbox is ${short(outbox === undefined ? null : outbox, 200)}`);
          }
        }
      }
      return ref.effects;
    },
    view() {
      return lanes[0].core.view();
    },
    snapshot() {
      return lanes[0].core.snapshot();
    },
  };
  const scenario = {
    entry: launch.context.entry,
    externalUserId: launch.context.externalUserId,
    chatId: launch.context.chatId,
    clientVersion: launch.context.clientVersion,
  };
  const world = createWorld({ glue: { Core: engines[0].Core }, core: lockstep, backend: createBackend(), scenario });
  state.httpOk = (effect) => world.httpResult(effect);

  /** Dispatch as the shell does: a refusal is logged and the shell carries on. */
  const send = (event, viaWorld, own) => {
    ownEvent = own;
    try {
      if (viaWorld) world.dispatch(event);
      else lockstep.dispatch(event);
    } catch (err) {
      if (err instanceof Violation || !isRefusal(err)) throw err;
    }
  };

  let step = -1;
  try {
    send(launch.event, false, true);
    for (step = 0; step < seq.steps.length; step++) {
      if (seq.steps[step].k === 'settle') {
        state.now += seq.steps[step].dt || 0;
        for (let i = 0; i < 40; i++) {
          const event = model.settleEvent(state);
          if (!event) break;
          send(event, false, true);
        }
        continue;
      }
      const event = model.concretize(seq.steps[step], state);
      if (event) send(event, false, OWN_STEPS.has(seq.steps[step].k));
    }
    if (drain && launchAccepted) {
      step = 'drain';
      state.now += 1000;
      send({ type: 'networkChanged', online: true, now: state.now }, true, true);
      send({ type: 'show', now: state.now }, true, true);
      for (let round = 0; round < maxDrainRounds && state.waiting.length; round++) {
        const next = state.waiting.find((e) => e.kind !== 'timer') || state.waiting[0];
        state.now = Math.max(state.now + 100, next.kind === 'timer' ? next.at + next.afterMs : 0);
        send(model.answerEvent(next, 0, state), true, true);
      }
      const v = state.view;
      if (v && v.route === 'loading') {
        violate('after the shell answers everything, the page is not stuck loading',
          `route ${v.route}, status ${JSON.stringify(v.status)}; still waiting: ${state.waiting.map((e) => `${e.kind} ${e.api || e.url || e.key || ''} #${e.id}`).join(', ') || 'nothing'}`);
      }
    }
    return { ok: true, trace };
  } catch (err) {
    const error = err instanceof Violation ? err : new Violation('the run does not crash', (err && err.stack) || String(err));
    error.step = step;
    return { ok: false, error, trace };
  } finally {
    for (const l of lanes) freeCore(l.core);
  }
}

module.exports = { runSequence, Violation, findUndefined, firstDifference, brief, CONFIG, data };
