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
    card: { type: Object, value: /** @type {import('../../core/types').CardView | null} */ (null) },
    form: { type: Object, value: /** @type {import('../../core/types').FormView | null} */ (null) },
    formMessage: { type: String, value: /** @type {string | null} */ (null) },
    pendingSaves: { type: Number, value: 0 },
    pendingSavesLabel: { type: String, value: /** @type {string | null} */ (null) },
    // A `null` passed to an Array property arrives as [] (truthy): the
    // component reads the picker's state from the core's label and the
    // list's length, never from the list's truthiness.
    tagPicker: { type: Array, value: /** @type {import('../../core/types').TagOptionGroup[] | null} */ (null) },
    tagPickerLabel: { type: String, value: '' },
  },
  data: { avatarFailed: false },
  observers: {
    // A new picture gets its own chance to load.
    'card.customer.avatar'() {
      if (this.data.avatarFailed) this.setData({ avatarFailed: false });
    },
  },
  methods: {
    /** The customer's picture did not load: the initial stands in. */
    onAvatarError() {
      this.setData({ avatarFailed: true });
    },
    /** @param {WechatMiniprogram.CustomEvent<import('../forward-events.js').ActionDetail>} e */
    forwardAction(e) {
      this.triggerEvent('action', e.detail);
    },
    /** @param {WechatMiniprogram.CustomEvent<import('../forward-events.js').ChangeDetail>} e */
    forwardChange(e) {
      this.triggerEvent('change', e.detail);
    },
  },
});
