#!/usr/bin/env node
// `make dev`: serves the WeCom simulator (sim/) on 127.0.0.1, port $PORT (default 5178):
// the reference mini program, its shell and the wasm core, in a phone frame beside a
// scenario panel, with the fixture backend answering wx.request. Ctrl-C stops it.
'use strict';
const { startServer } = require('../sim/server');

const port = process.env.PORT === undefined || process.env.PORT === '' ? 5178 : Number(process.env.PORT);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`make dev: PORT must be a port number (got "${process.env.PORT}")`);
  process.exit(1);
}

startServer({ port }).then((sim) => {
  console.log(`WeCom simulator: ${sim.url}  (address ${sim.host}, port ${sim.port})`);
  console.log('Edits under miniprogram/ and sim/ are picked up on reload; `make build` after Rust changes. Ctrl-C to stop.');
  const stop = () => sim.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}, (err) => {
  console.error(err.message);
  process.exit(1);
});
