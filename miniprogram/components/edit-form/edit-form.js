// The edit form of "my follow-up": remark, description, remark company,
// phone numbers. Every counter, error and flag comes from the view model
// (form.*); this component only shows them and forwards events:
//   'change' { field, value, index }  (index is a number for a mobile row, else null)
//   'action' { action, arg }          (arg is never undefined)
Component({
  options: { addGlobalClass: true },
  properties: {
    form: { type: Object, value: null },
    formMessage: { type: String, value: null },
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
