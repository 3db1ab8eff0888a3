// The home route: pick a customer, a short intro and the environment line.
// Presentational only.
Component({
  options: { addGlobalClass: true },
  properties: {
    canPickCustomer: { type: Boolean, value: false },
    env: { type: String, value: null },
  },
  methods: {
    onTap(e) {
      const ds = e.currentTarget.dataset;
      if (ds.disabled) return;
      this.triggerEvent('action', { action: ds.action, arg: ds.arg === undefined ? null : ds.arg });
    },
  },
});
