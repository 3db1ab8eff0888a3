'use strict';
// What the simulator's page shows when a source cannot be built: the script /phone.js or
// /panel.js answers instead of its bundle (sim/server.js), and the overlay the live-reload
// client (sim/panel/live-reload.js) shows above the phone. Both list each problem as
// `file:line:column: message`, as the terminal does.

/** A browser script that shows `problems` in whatever document runs it. */
function problemScript(problems, text, bundle) {
  const payload = JSON.stringify({ bundle, text, problems });
  return `(function () {
  var p = ${payload};
  function show() {
    var box = document.getElementById('sim-problems') || document.createElement('div');
    box.id = 'sim-problems';
    box.setAttribute('role', 'alert');
    box.style.cssText = 'position:fixed;inset:0;z-index:99999;overflow:auto;padding:16px;background:#fff5f5;color:#a8071a;font:13px/1.5 ui-monospace,Menlo,Consolas,monospace;white-space:pre-wrap;word-break:break-word';
    box.textContent = 'The simulator cannot build ' + p.bundle + ':\\n\\n' + p.text + '\\n\\nFix the file and save: the simulator reloads by itself.';
    if (!box.parentNode) document.body.appendChild(box);
  }
  if (document.body) show(); else document.addEventListener('DOMContentLoaded', show);
  console.error('[sim] cannot build ' + p.bundle + ':\\n' + p.text);
})();
`;
}

module.exports = { problemScript };
