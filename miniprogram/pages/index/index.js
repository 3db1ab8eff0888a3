// The one page. Its data IS the core's view model (the host calls
// setData(view), then setData with path patches); it renders the view by
// route with presentational components and sends every event to the core
// through the app's host. No rules here: the core validates, counts and
// formats. Written with Component() so that the same file runs in mini
// programs and in miniprogram-simulate. Its data defaults are the core's own
// view before any event (core/initial-view.js, written by the build from
// Core.initialView()), so the page holds no copy of the view's shape.

const initialView = require('../../core/initial-view.js');

/** @typedef {import('../../components/forward-events.js').ActionDetail} ActionDetail */
/** @typedef {import('../../components/forward-events.js').ChangeDetail} ChangeDetail */

/** The app's host, which sends events to the core. */
function host() {
  /** @type {import('../../shell/core-host.js').CoreHost} */
  const h = getApp().host;
  return h;
}

/** A dataset/detail value as the core accepts it: never undefined. */
function orNull(value) {
  return value === undefined ? null : value;
}

/**
 * A mobile row index: a number, or null when the event has none.
 * @param {unknown} value
 * @returns {number | null}
 */
function toIndex(value) {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value !== '' && !isNaN(Number(value))) return Number(value);
  return null;
}

Component({
  // `message` is set only by the shell, when the core cannot start (route 'fatal').
  data: Object.assign({}, initialView, { message: /** @type {string | null} */ (null) }),
  observers: {
    /**
     * The navigation bar shows the core's title, in the member's language
     * (app.json's text is only what shows before the core's first view).
     * @param {string} title
     */
    title(title) {
      if (title && typeof wx !== 'undefined' && wx.setNavigationBarTitle) wx.setNavigationBarTitle({ title });
    },
  },
  methods: {
    onLoad() {
      host().attach(this);
    },
    onUnload() {
      host().detach(this);
    },
    /**
     * 'action' from a component: a tap for the core.
     * @param {WechatMiniprogram.CustomEvent<ActionDetail>} e
     */
    onAction(e) {
      const d = e.detail;
      if (!d || !d.action) return;
      host().dispatch({ type: 'tap', action: d.action, arg: orNull(d.arg), now: Date.now() });
    },
    /**
     * A tap on the page's own buttons (open the hand-over, back home): data-action only.
     * @param {WechatMiniprogram.BaseEvent} e
     */
    onHomeTap(e) {
      const action = e.currentTarget.dataset.action;
      if (!action) return;
      host().dispatch({ type: 'tap', action, arg: null, now: Date.now() });
    },
    /**
     * 'change' from a component: typing for the core.
     * @param {WechatMiniprogram.CustomEvent<ChangeDetail>} e
     */
    onChange(e) {
      const d = e.detail;
      if (!d || !d.field) return;
      const value = d.value === undefined || d.value === null ? '' : String(d.value);
      host().dispatch({ type: 'input', field: d.field, value, index: toIndex(d.index), now: Date.now() });
    },
  },
});
