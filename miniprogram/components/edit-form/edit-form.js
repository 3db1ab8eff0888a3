// The edit form of "my follow-up": remark, description, remark company,
// phone numbers. Every counter, error and flag comes from the view model
// (form.*); this component only shows them and forwards events:
//   'change' { field, value, index }  (index is a number for a mobile row, else null)
//   'action' { action, arg }          (arg is never undefined)
const forwardEvents = require('../forward-events.js');

Component({
  behaviors: [forwardEvents],
  options: { addGlobalClass: true },
  properties: {
    form: { type: Object, value: /** @type {import('../../core/types').FormView | null} */ (null) },
    formMessage: { type: String, value: /** @type {string | null} */ (null) },
  },
});
