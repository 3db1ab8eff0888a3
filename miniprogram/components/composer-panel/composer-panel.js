// The message composer: type tabs, the fields of the chosen type, the
// enter-chat switch, the send button, the materials library (each section
// under its tab, a tap sends one), 从手机选择图片 on the image tab, and the
// quick replies. Every label (composer.labels), count, error and flag comes
// from the view model (composer.*, quickReplies, composeNote). Events: 'action' { action, arg } and
// 'change' { field: 'composer.<key>', value, index: null }.
const forwardEvents = require('../forward-events.js');

Component({
  behaviors: [forwardEvents],
  options: { addGlobalClass: true },
  properties: {
    composer: { type: Object, value: /** @type {import('../../core/types').ComposerView | null} */ (null) },
    quickReplies: { type: Array, value: /** @type {import('../../core/types').QuickReplyView[]} */ ([]) },
    composeNote: { type: String, value: /** @type {string | null} */ (null) },
    canBackToCard: { type: Boolean, value: false },
  },
});
