// The home route: pick a customer and a short intro (in the member's
// language, from the core). The support line (view.env) is on the
// engine/support page, not here. Presentational only.
const forwardEvents = require('../forward-events.js');

Component({
  behaviors: [forwardEvents],
  options: { addGlobalClass: true },
  properties: {
    canPickCustomer: { type: Boolean, value: false },
    intro: { type: String, value: '' },
    /** The core's words (view.labels.home): the buttons. */
    labels: { type: Object, value: /** @type {import('../../core/types').HomeLabels | null} */ (null) },
  },
});
