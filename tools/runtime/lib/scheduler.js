'use strict';
// Virtual clock + timer queue shared by the logic layer (setTimeout & co.) and the
// simulated client (wx.* callback delivery, backend latency).

class Scheduler {
  constructor(startMs) {
    this.now = startMs;
    this.timers = new Map();
    this.nextId = 1;
    this.seq = 0;
    this.stopped = false;
  }

  /** Schedule fn after delayMs of virtual time. repeat=true => interval. Returns numeric id. */
  add(fn, delayMs, { repeat = false, internal = false, label = '' } = {}) {
    let delay = Number(delayMs);
    if (!Number.isFinite(delay) || delay < 0) delay = 0;
    if (repeat && delay < 1) delay = 1; // like browsers/Node: intervals are clamped to >= 1 ms
    const id = this.nextId++;
    this.timers.set(id, { id, fn, delay, due: this.now + delay, seq: this.seq++, repeat, internal, label });
    return id;
  }

  clear(id) {
    this.timers.delete(Number(id));
  }

  /** Earliest timer with due <= limit (ties broken by creation order). */
  nextDue(limit) {
    let best = null;
    for (const t of this.timers.values()) {
      if (t.due > limit) continue;
      if (!best || t.due < best.due || (t.due === best.due && t.seq < best.seq)) best = t;
    }
    return best;
  }

  /** Earliest timer at all (for diagnostics). */
  peek() {
    return this.nextDue(Infinity);
  }

  /** Run one timer (already chosen by nextDue). Errors propagate to the caller. */
  run(t) {
    if (t.due > this.now) this.now = t.due;
    if (t.repeat) {
      t.due = this.now + t.delay;
      t.seq = this.seq++;
    } else {
      this.timers.delete(t.id);
    }
    t.fn();
  }

  stop() {
    this.stopped = true;
    this.timers.clear();
  }
}

module.exports = { Scheduler };
