// Deliberately wrong uses of the core's generated types (miniprogram/core/types.d.ts):
// tests/typings.test.js expects tsc to reject every line marked "error", and only those.
/**
 * @param {import('../../miniprogram/shell/core-host.js').CoreHost} host
 * @param {import('../../miniprogram/core/glue.js').CoreClass} Core
 */
function misuse(host, Core) {
  host.dispatch({ type: 'tap', action: 'noSuchAction', arg: null, now: 1 }); // error: not an action name
  host.dispatch({ type: 'tap', action: 'save', now: 'soon' }); // error: now is a number
  host.dispatch({ type: 'input', value: 'x', now: 1 }); // error: an input names its field
  host.dispatch({ type: 'clicked', now: 1 }); // error: no such event
  host.dispatch({ type: 'httpResult', id: 1, status: 200, body: { ok: true } }); // error: body is the raw text
  const core = new Core({ backendURL: 'https://api.example.com' }); // error: the field is backendUrl
  const view = core.view();
  if (view.route === 'fatal') return; // error: not a route of the core's
  view.card.customer.nmae; // error: no such field
  for (const effect of core.dispatch({ type: 'show', now: 1 })) {
    if (effect.kind === 'qy' && effect.api === 'sendMessage') return; // error: not a wx.qy function the core calls
    if (effect.kind === 'render') effect.patch.remark.toFixed(); // error: a patch value is JSON, not a number
  }
  // Right uses, for contrast: none of these is an error.
  host.dispatch({ type: 'tap', action: 'removeMobile', arg: 0, now: 1 });
  host.dispatch({ type: 'input', field: 'remark', value: 'x', index: null, now: 1 });
  host.dispatch({ type: 'storageResult', id: 1, ok: true });
  if (view.route === 'card' && view.card && view.card.mine) view.card.mine.remark.trim();
}
module.exports = misuse;
