// The one page. Its data IS the core's view model (the host calls
// setData(view), then setData with path patches); it renders the view by
// route with presentational components and sends every event to the core
// through the app's host. No rules here: the core validates, counts and
// formats. Written with Component() so that the same file runs in mini
// programs and in miniprogram-simulate.

/** A dataset/detail value as the core accepts it: never undefined. */
function orNull(value) {
  return value === undefined ? null : value;
}

/** A mobile row index: a number, or null when the event has none. */
function toIndex(value) {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value !== '' && !isNaN(Number(value))) return Number(value);
  return null;
}

Component({
  data: {
    route: 'loading',
    title: '',
    status: null,
    notice: null,
    banner: null,
    env: null,
    entry: null,
    card: null,
    form: null,
    formMessage: null,
    pendingSaves: 0,
    tagPicker: null,
    canBackToCard: false,
    group: null,
    composer: null,
    composeNote: null,
    quickReplies: [],
    canPickCustomer: false,
    // Set only by the shell when the core cannot start (route 'fatal').
    message: null,
  },
  methods: {
    onLoad() {
      getApp().host.attach(this);
    },
    onUnload() {
      getApp().host.detach(this);
    },
    /** 'action' from a component: a tap for the core. */
    onAction(e) {
      const d = e.detail || {};
      if (!d.action) return;
      getApp().host.dispatch({ type: 'tap', action: d.action, arg: orNull(d.arg), now: Date.now() });
    },
    /** 'change' from a component: typing for the core. */
    onChange(e) {
      const d = e.detail || {};
      if (!d.field) return;
      const value = d.value === undefined || d.value === null ? '' : String(d.value);
      getApp().host.dispatch({ type: 'input', field: d.field, value, index: toIndex(d.index), now: Date.now() });
    },
  },
});
