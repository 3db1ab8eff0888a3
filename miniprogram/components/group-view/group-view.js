// The customer group: name, notice, counts, owner and member lists, as
// given by the view model (group.*). Presentational only; it has no taps
// of its own (the composer is rendered below it by the page).
Component({
  options: { addGlobalClass: true },
  properties: {
    group: { type: Object, value: /** @type {import('../../core/types').GroupChatView | null} */ (null) },
  },
});
