// The message composer: type tabs, the fields of the chosen type, the
// enter-chat switch, quick replies and the send button. Every label, count,
// error and flag comes from the view model (composer.*, quickReplies,
// composeNote). Events: 'action' { action, arg } and
// 'change' { field: 'composer.<key>', value, index: null }.
Component({
  options: { addGlobalClass: true },
  properties: {
    composer: { type: Object, value: null },
    quickReplies: { type: Array, value: [] },
    composeNote: { type: String, value: null },
    canBackToCard: { type: Boolean, value: false },
  },
  methods: {
    onTap(e) {
      const ds = e.currentTarget.dataset;
      if (ds.disabled) return;
      this.triggerEvent('action', { action: ds.action, arg: ds.arg === undefined ? null : ds.arg });
    },
    onInput(e) {
      const ds = e.currentTarget.dataset;
      const detail = e.detail || {};
      this.triggerEvent('change', {
        field: ds.field,
        value: detail.value === undefined || detail.value === null ? '' : detail.value,
        index: ds.index === undefined ? null : ds.index,
      });
    },
  },
});
