// A blocking notice from the core: title, message, guidance, and a retry
// button when the core says a retry can help. Presentational only.
Component({
  options: { addGlobalClass: true },
  properties: {
    notice: { type: Object, value: null },
  },
  methods: {
    onTap(e) {
      const ds = e.currentTarget.dataset;
      if (ds.disabled) return;
      this.triggerEvent('action', { action: ds.action, arg: ds.arg === undefined ? null : ds.arg });
    },
  },
});
