// A blocking notice from the core: title, message, guidance, and a retry
// button when the core says a retry can help. Presentational only.
const forwardEvents = require('../forward-events.js');

Component({
  behaviors: [forwardEvents],
  options: { addGlobalClass: true },
  properties: {
    notice: { type: Object, value: /** @type {import('../../core/types').NoticeView | null} */ (null) },
    /** The core's words (view.labels.notice): the retry button. */
    labels: { type: Object, value: /** @type {import('../../core/types').NoticeLabels | null} */ (null) },
  },
});
