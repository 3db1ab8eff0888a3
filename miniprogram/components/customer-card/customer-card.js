// The customer card: header, profile attributes, "my follow-up" first (or
// the edit form in its place while editing), then colleagues' follow-ups.
// Presentational: shows card.* / form.* as given by the core and forwards
// events ('action' { action, arg }, 'change' { field, value, index }),
// including those of the embedded edit-form.
const forwardEvents = require('../forward-events.js');

Component({
  behaviors: [forwardEvents],
  options: { addGlobalClass: true },
  properties: {
    card: { type: Object, value: null },
    form: { type: Object, value: null },
    formMessage: { type: String, value: null },
    pendingSaves: { type: Number, value: 0 },
    tagPicker: { type: Array, value: null },
  },
  methods: {
    forwardAction(e) {
      this.triggerEvent('action', e.detail);
    },
    forwardChange(e) {
      this.triggerEvent('change', e.detail);
    },
  },
});
