// The page's end of the simulator's watcher (sim/server.js, /__sim/events): after an edit
// under miniprogram/ (or a core rebuild) the phone relaunches by itself, keeping its storage,
// as "Kill & relaunch" does; after an edit under sim/ the whole page reloads; a source that
// cannot be built is shown above the phone with its file and line until it is fixed.

/** The page's alert box `id` (its class is the same), made on first use. */
function alertBox(id, init) {
  let box = document.getElementById(id);
  if (!box) {
    box = document.createElement('div');
    box.id = id;
    box.setAttribute('role', 'alert');
    box.className = id;
    if (init) init(box);
    document.body.appendChild(box);
  }
  return box;
}

/** Starts listening; `relaunch()` restarts the phone. Returns the EventSource, or null. */
function startLiveReload(relaunch) {
  if (typeof EventSource !== 'function') return null;
  const source = new EventSource('/__sim/events');
  let panelHash = null;
  const overlay = () => alertBox('sim-problems');
  const clear = () => {
    const box = document.getElementById('sim-problems');
    if (box) box.remove();
  };
  source.addEventListener('hello', (e) => {
    const d = JSON.parse(e.data);
    if (panelHash === null) panelHash = d.panelHash;
    else if (d.panelHash !== panelHash) window.location.reload(); // the server restarted with other code
    if (d.problems) overlay().textContent = `The simulator cannot build the mini program:\n\n${d.problems}\n\nFix the file and save: the simulator reloads by itself.`;
  });
  source.addEventListener('problems', (e) => {
    const d = JSON.parse(e.data);
    overlay().textContent = `The simulator cannot build the mini program:\n\n${d.text}\n\nFix the file and save: the simulator reloads by itself.`;
  });
  source.addEventListener('reload', (e) => {
    const d = JSON.parse(e.data);
    clear();
    const err = document.getElementById('sim-runtime-error');
    if (err) err.remove();
    if (panelHash !== null && d.panelHash && d.panelHash !== panelHash) {
      window.location.reload();
      return;
    }
    window.__simReloads = (window.__simReloads || 0) + 1;
    relaunch(d.reason);
  });
  source.addEventListener('runtime-error', (e) => {
    const d = JSON.parse(e.data);
    const box = alertBox('sim-runtime-error', (b) => {
      b.title = 'click to dismiss';
      b.addEventListener('click', () => b.remove());
    });
    box.textContent = d.text;
  });
  return source;
}

module.exports = { startLiveReload };
