// A one-line message over every route, with a dismiss tap.
// Presentational: the text comes from the view model; the tap goes out as
// an 'action' event ({ action: 'dismissBanner', arg: null }).
Component({
  options: { addGlobalClass: true },
  properties: {
    text: { type: String, value: null },
  },
  methods: {
    onTap(e) {
      const ds = e.currentTarget.dataset;
      if (ds.disabled) return;
      this.triggerEvent('action', { action: ds.action, arg: ds.arg === undefined ? null : ds.arg });
    },
  },
});
