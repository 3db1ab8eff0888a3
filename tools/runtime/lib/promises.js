'use strict';
// Unhandled-rejection tracking for promises created inside a logic-layer vm context.
//
// Node reports unhandled rejections process-wide (and jest turns them into a failure of whatever
// test is running). To attribute them to a runtime instead, we watch the context's promises with
// v8.promiseHooks: every promise created as a reaction of another (then/catch/await/Promise.all...)
// marks its parent as handled. A context promise that settles with no reaction yet gets one of our
// own reactions attached (in a host microtask, before Node looks for unhandled rejections); if it
// turns out rejected and still has no app-side reaction when the runtime goes idle, it is reported.

const v8 = require('v8');

const trackers = new Map(); // context Promise.prototype -> tracker
let installed = null;
let internal = false;
const ours = new WeakSet();
const hostMicrotask = (fn) => Promise.resolve().then(fn);

function install() {
  if (installed) return;
  const stopInit = v8.promiseHooks.onInit((p, parent) => {
    if (trackers.size === 0) return;
    if (internal) {
      ours.add(p);
      return;
    }
    if (!parent) return;
    const tr = trackers.get(Object.getPrototypeOf(parent));
    if (tr) tr.children.set(parent, (tr.children.get(parent) || 0) + 1);
  });
  const stopSettled = v8.promiseHooks.onSettled((p) => {
    if (trackers.size === 0 || internal || ours.has(p)) return;
    const tr = trackers.get(Object.getPrototypeOf(p));
    if (!tr || tr.children.get(p)) return;
    hostMicrotask(() => {
      if (!trackers.has(tr.proto)) return;
      internal = true;
      try {
        tr.then.call(p, undefined, (reason) => {
          tr.rejected.push({ promise: p, reason });
        });
      } finally {
        internal = false;
      }
    });
  });
  installed = () => {
    stopInit();
    stopSettled();
  };
}

/** Start tracking the promises of a context. Returns { drain(): [{reason, promise}], stop() }. */
function trackContext(ctxPromise) {
  install();
  const tr = {
    proto: ctxPromise.prototype,
    then: ctxPromise.prototype.then,
    children: new WeakMap(),
    rejected: [],
  };
  trackers.set(tr.proto, tr);
  return {
    /** Rejected promises that no app code reacted to. Clears the pending list. */
    drain() {
      const out = [];
      for (const r of tr.rejected) if (!tr.children.get(r.promise)) out.push(r);
      tr.rejected = [];
      return out;
    },
    stop() {
      trackers.delete(tr.proto);
      if (trackers.size === 0 && installed) {
        installed();
        installed = null;
      }
    },
  };
}

module.exports = { trackContext };
