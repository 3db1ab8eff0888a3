'use strict';
// The simulator's HTTP server (127.0.0.1 only). Routes:
//   /              the simulator page (sim/static/index.html: panel + phone frame + inspector)
//   /phone.html    the phone frame's document
//   /panel.js, /phone.js   the esbuild bundles (sim/build.js), rebuilt when a source changed
//   /sim.css
//   /pkg/<path>    a file of the code package, for the WXWebAssembly shim. A .wasm.br file is
//                  sent decompressed (application/wasm): the server does the brotli step, since
//                  the browser's DecompressionStream has no 'br'.
//
//   const { startServer } = require('./sim/server');
//   const sim = await startServer({ port: 0 });   // 0: any free port
//   sim.url; await sim.close();

const fs = require('fs');
const http = require('http');
const path = require('path');
const zlib = require('zlib');
const { buildBundles, checkBuild, inputsStamp, PACKAGE_DIR } = require('./build');

const STATIC_DIR = path.join(__dirname, 'static');
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

function createBundler() {
  let current = null;
  let building = null;
  return async function bundles() {
    if (building) return building;
    if (current && current.stamp >= inputsStamp()) return current;
    building = buildBundles().then((b) => {
      current = b;
      building = null;
      return b;
    }, (e) => {
      building = null;
      throw e;
    });
    return building;
  };
}

function send(res, status, type, body, extra) {
  res.writeHead(status, Object.assign({ 'Content-Type': type, 'Cache-Control': 'no-store' }, extra || {}));
  res.end(body);
}

/** A package file, or null when the path is bad or escapes the package. */
function packageFile(rel) {
  let decoded;
  try {
    decoded = decodeURIComponent(rel);
  } catch (e) {
    return null;
  }
  const norm = path.posix.normalize(decoded.replace(/^\/+/, ''));
  if (!norm || norm.startsWith('..') || norm.includes('\0')) return null;
  const abs = path.join(PACKAGE_DIR, norm);
  if (!abs.startsWith(PACKAGE_DIR + path.sep)) return null;
  return fs.existsSync(abs) && fs.statSync(abs).isFile() ? { abs, rel: norm } : null;
}

/**
 * Starts the simulator server. Resolves { server, port, host, url, close() }.
 * Rejects with a clear message when the core is not built (`make build`) or the port is taken.
 * @param {{ port?: number, host?: string }} [o]
 */
async function startServer(o = {}) {
  const host = o.host || '127.0.0.1';
  const port = o.port === undefined || o.port === null ? 5178 : Number(o.port);
  checkBuild();
  const bundles = createBundler();
  await bundles(); // fail now, not on the first page load
  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url, `http://${host}`);
      const p = url.pathname;
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'GET only');
      if (p === '/' || p === '/index.html') return send(res, 200, TYPES['.html'], fs.readFileSync(path.join(STATIC_DIR, 'index.html')));
      if (p === '/phone.html' || p === '/sim.css') return send(res, 200, TYPES[path.extname(p)], fs.readFileSync(path.join(STATIC_DIR, p.slice(1))));
      if (p === '/panel.js' || p === '/phone.js') {
        const b = await bundles();
        return send(res, 200, TYPES['.js'], b[p.slice(1)]);
      }
      if (p.startsWith('/pkg/')) {
        const f = packageFile(p.slice(5));
        if (!f) return send(res, 404, 'text/plain', 'not in the code package');
        if (f.rel.endsWith('.wasm.br')) {
          const wasm = zlib.brotliDecompressSync(fs.readFileSync(f.abs));
          return send(res, 200, TYPES['.wasm'], wasm, { 'X-Sim-Decompressed': 'br' });
        }
        return send(res, 200, TYPES[path.extname(f.rel)] || 'application/octet-stream', fs.readFileSync(f.abs));
      }
      if (p === '/favicon.ico') return send(res, 204, 'text/plain', '');
      return send(res, 404, 'text/plain', 'not found');
    } catch (e) {
      return send(res, 500, 'text/plain; charset=utf-8', `WeCom simulator: ${e.message}`);
    }
  });
  await new Promise((resolve, reject) => {
    server.once('error', (e) => {
      if (e.code === 'EADDRINUSE') reject(new Error(`WeCom simulator: port ${port} on ${host} is in use; set PORT to another port`));
      else reject(e);
    });
    server.listen(port, host, resolve);
  });
  const actual = server.address().port;
  return {
    server,
    host,
    port: actual,
    url: `http://${host}:${actual}/`,
    close: () => new Promise((resolve) => {
      server.close(() => resolve());
      if (server.closeAllConnections) server.closeAllConnections();
    }),
  };
}

module.exports = { startServer };
