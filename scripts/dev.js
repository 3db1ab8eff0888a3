#!/usr/bin/env node
// `make dev`: the real stack on loopback (sim/stack.js): wecom-double seeded with the
// simulator's fixtures, wcc-server on SQLite pointed at it, and the WeCom simulator (sim/) on
// port $PORT (default 5178), whose phone runs the reference mini program with its wx.request
// going to wcc-server. Prints each address. Ctrl-C stops all three.
// WCC_DEV_LOG=1 echoes every line the double and the server print.
'use strict';
const { startStack } = require('../sim/stack');

const port = process.env.PORT === undefined || process.env.PORT === '' ? 5178 : Number(process.env.PORT);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`make dev: PORT must be a port number (got "${process.env.PORT}")`);
  process.exit(1);
}
const verbose = process.env.WCC_DEV_LOG === '1';

let stack = null;
let stopping = false;
const stop = (code) => {
  if (stopping) return;
  stopping = true;
  const done = () => process.exit(code);
  if (stack) stack.close().then(done, (e) => { console.error(e.message); process.exit(1); });
  else done();
};
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
process.on('SIGHUP', () => stop(0));

startStack({
  port,
  log: (line) => {
    if (verbose || /\b(ERROR|WARN)\b/.test(line)) console.log(line);
  },
}).then((s) => {
  stack = s;
  if (stopping) { stopping = false; stop(0); return; }
  console.log(`wecom-double (WeCom's server API): ${s.double.url}  (control API: ${s.double.url}/__double/counts)`);
  console.log(`wcc-server (the backend, ${s.server.databaseUrl}): ${s.server.url}`);
  console.log(`WeCom simulator: ${s.url}  (address ${s.sim.host}, port ${s.sim.port}; wx.request → ${s.url}backend → wcc-server)`);
  console.log('Edits under miniprogram/ and sim/ are picked up on reload; `make build` after core changes, `make dev` again after server changes. Ctrl-C to stop.');
  s.exited.then((e) => {
    if (stopping) return;
    console.error(`make dev: ${e.name} stopped (${e.signal || `status ${e.code}`}); stopping the rest.`);
    stop(1);
  });
}, (err) => {
  console.error(err.message);
  process.exit(1);
});
