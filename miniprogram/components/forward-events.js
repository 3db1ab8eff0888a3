// Shared by the presentational components: a tap leaves as an 'action'
// event { action, arg } and typing as a 'change' event { field, value, index },
// read from the element's data-action / data-arg / data-field / data-index.
// arg and index are never undefined (null instead); a tap on an element with
// data-disabled is dropped.
module.exports = Behavior({
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
