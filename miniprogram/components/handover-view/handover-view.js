// The hand-over route (客户交接): the rep, what they left, the selection, the taker, the
// message and each customer's status, all from the view model (handover.*). No rules here:
// the core checks, counts and words everything. Events: 'action' { action, arg } and
// 'change' { field: 'handover.<name>', value, index: null }.
const forwardEvents = require('../forward-events.js');

Component({
  behaviors: [forwardEvents],
  options: { addGlobalClass: true },
  properties: {
    handover: { type: Object, value: /** @type {import('../../core/types').HandoverView | null} */ (null) },
  },
});
