'use strict';
// Helpers that turn host-side handlers into wx-style APIs:
// success/fail/complete callbacks delivered on the virtual clock, errMsg "<api>:ok" /
// "<api>:fail <reason>", optional promise form, and logging.

const { copyForLog, versionAtLeast } = require('./util');

/** Thrown by handlers to fail with a reason: "<api>:fail <reason>". */
class ApiFail extends Error {
  constructor(reason, extra) {
    super(reason);
    this.reason = reason;
    this.extra = extra;
  }
}
const fail = (reason, extra) => { throw new ApiFail(reason, extra); };

function hasCallbacks(o) {
  return !!o && (typeof o.success === 'function' || typeof o.fail === 'function' || typeof o.complete === 'function');
}

/**
 * @param rt internal runtime
 * @param name api name used in errMsg
 * @param handler (opts) => result object | Promise<result>; throw ApiFail for a failure.
 *   Runs when the call is delivered (virtual time + delay), not at call time.
 * @param cfg.log array to log into; cfg.promisify; cfg.delay (opts) => ms
 */
function asyncApi(rt, name, handler, cfg = {}) {
  const logTo = cfg.log || rt.log.wx;
  return function api(opts) {
    const o = opts && typeof opts === 'object' ? opts : {};
    const entry = { api: name, args: copyForLog(o), t: rt.sched.now };
    logTo.push(entry);
    const wantPromise = cfg.promisify !== false && !hasCallbacks(o) && versionAtLeast(rt.scenario.sdkVersion, '2.10.2');
    let resolveP;
    let rejectP;
    const p = wantPromise ? new rt.logic.Promise((a, b) => { resolveP = a; rejectP = b; }) : undefined;
    const finish = (ok, res, reason, extra) => {
      if (rt.dead) return;
      const result = ok ? Object.assign({}, res, { errMsg: `${name}:ok` }) : Object.assign({ errMsg: `${name}:fail${reason ? ` ${reason}` : ''}` }, extra);
      entry.errMsg = result.errMsg;
      entry.result = copyForLog(result);
      entry.done = rt.sched.now;
      const ctxRes = rt.logic.toCtx(result);
      if (ok) rt.callUser(o.success, ctxRes, `${name} success callback`);
      else rt.callUser(o.fail, ctxRes, `${name} fail callback`);
      rt.callUser(o.complete, ctxRes, `${name} complete callback`);
      if (p) (ok ? resolveP : rejectP)(ctxRes);
    };
    const run = () => {
      let out;
      try {
        out = handler(o);
      } catch (e) {
        if (e instanceof ApiFail) return finish(false, null, e.reason, e.extra);
        rt.reportError(`${name} (runtime)`, e);
        return finish(false, null, e.message);
      }
      if (out && typeof out.then === 'function') {
        rt.track(Promise.resolve(out).then(
          (res) => rt.sched.add(() => finish(true, res), 0, { internal: true }),
          (e) => rt.sched.add(() => (e instanceof ApiFail ? finish(false, null, e.reason, e.extra) : finish(false, null, e && e.message)), 0, { internal: true }),
        ));
      } else {
        finish(true, out);
      }
      return undefined;
    };
    const delay = cfg.delay ? cfg.delay(o) : 0;
    rt.sched.add(run, delay, { internal: true, label: name });
    return p;
  };
}

/** Sync API: returns handler's value (copied into the context); failures throw an Error with errMsg. */
function syncApi(rt, name, handler, cfg = {}) {
  const logTo = cfg.log === undefined ? rt.log.wx : cfg.log;
  return function api(...args) {
    const entry = logTo ? { api: name, args: copyForLog(args), t: rt.sched.now } : null;
    if (logTo) logTo.push(entry);
    try {
      const res = handler(...args);
      if (entry) entry.result = copyForLog(res);
      return cfg.raw ? res : rt.logic.toCtx(res);
    } catch (e) {
      if (e instanceof ApiFail) {
        const errMsg = `${name}:fail ${e.reason}`;
        if (entry) entry.errMsg = errMsg;
        throw rt.logic.ctxError(errMsg, { errMsg });
      }
      throw e;
    }
  };
}

module.exports = { ApiFail, fail, asyncApi, syncApi };
