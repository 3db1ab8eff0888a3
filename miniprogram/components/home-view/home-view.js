// The home route: pick a customer, a short intro and the environment line.
// Presentational only.
const forwardEvents = require('../forward-events.js');

Component({
  behaviors: [forwardEvents],
  options: { addGlobalClass: true },
  properties: {
    canPickCustomer: { type: Boolean, value: false },
    env: { type: String, value: /** @type {string | null} */ (null) },
  },
});
