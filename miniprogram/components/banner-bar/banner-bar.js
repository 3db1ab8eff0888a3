// A one-line message over every route, with a dismiss tap.
// Presentational: the text comes from the view model; the tap goes out as
// an 'action' event ({ action: 'dismissBanner', arg: null }).
const forwardEvents = require('../forward-events.js');

Component({
  behaviors: [forwardEvents],
  options: { addGlobalClass: true },
  properties: {
    text: { type: String, value: /** @type {string | null} */ (null) },
    /** The core's words (view.labels.banner): the close button's label. */
    labels: { type: Object, value: /** @type {import('../../core/types').BannerLabels | null} */ (null) },
  },
});
