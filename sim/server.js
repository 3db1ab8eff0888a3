'use strict';
// The simulator's HTTP server (127.0.0.1 only). Routes:
//   /              the simulator page (sim/static/index.html: panel + phone frame + inspector)
//   /phone.html    the phone frame's document
//   /panel.js, /phone.js   the esbuild bundles (sim/build.js), rebuilt when a source changed
//   /sim.css
//   /pkg/<path>    a file of the code package, for the WXWebAssembly shim. A .wasm.br file is
//                  sent decompressed (application/wasm): the server does the brotli step, since
//                  the browser's DecompressionStream has no 'br'.
//   /backend/<path>   a same-origin proxy to wcc-server (`backendUrl`): the phone's wx.request
//                  goes here over real HTTP (the mini program's backendUrl is <sim>/backend),
//                  so the browser needs no CORS. Method, body, Authorization, Content-Type and
//                  Idempotency-Key pass through; the answer comes back unchanged.
//   /__double/<path>  a proxy to wecom-double's control API (`doubleUrl`): the panel sets
//                  latency and faults and issues login codes through it.
//   /__sim/info    GET {backendUrl, doubleUrl}
//   /__sim/avatars/<name>.svg   the fixture customers' pictures (sim/static/avatars): the
//                  fixtures' avatar URLs point here, so the phone shows real images offline.
//   /__sim/media/<name>.png|jpg|pdf   the materials' files and covers and the phone's picture
//                  (sim/static/media; sim/fixtures.js MATERIALS and PHONE_PICTURE).
//   /__sim/expire-sessions   POST: every session token the proxy has seen so far counts as
//                  expired: a later request carrying one reaches wcc-server with a token it never
//                  issued, so wcc-server itself answers 401 and the client logs in again.
//
//   const { startServer } = require('./sim/server');
//   const sim = await startServer({ port: 0, backendUrl, doubleUrl });   // 0: any free port
//   sim.url; await sim.close();
// sim/stack.js starts it together with wecom-double and wcc-server (`make dev`).

const crypto = require('crypto');
const fs = require('fs');
const http = require('http');
const path = require('path');
const zlib = require('zlib');
const { buildBundles, checkBuild, inputsStamp, formatProblem, PACKAGE_DIR } = require('./build');
const { problemScript } = require('./problem-overlay');

const STATIC_DIR = path.join(__dirname, 'static');
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.jpg': 'image/jpeg',
  '.pdf': 'application/pdf',
};

function createBundler(packageDir) {
  let current = null;
  let building = null;
  return async function bundles() {
    if (building) return building;
    if (current && current.stamp >= inputsStamp(packageDir)) return current;
    building = buildBundles({ packageDir }).then((b) => {
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
function packageFile(rel, packageDir) {
  let decoded;
  try {
    decoded = decodeURIComponent(rel);
  } catch (e) {
    return null;
  }
  const norm = path.posix.normalize(decoded.replace(/^\/+/, ''));
  if (!norm || norm.startsWith('..') || norm.includes('\0')) return null;
  const abs = path.join(packageDir, norm);
  if (!abs.startsWith(packageDir + path.sep)) return null;
  return fs.existsSync(abs) && fs.statSync(abs).isFile() ? { abs, rel: norm } : null;
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

// Request headers passed to wcc-server and the double, and answer headers passed back.
const FORWARD = ['authorization', 'content-type', 'idempotency-key', 'accept'];
const BACK = ['content-type', 'retry-after', 'idempotent-replayed', 'www-authenticate'];
const EXPIRED_TOKEN = 'sim-expired-session';

/** Forwards req (body already read) to `target` (a URL); writes the answer to res. */
async function forward(req, res, body, target, headers) {
  let answer;
  try {
    answer = await fetch(target, {
      method: req.method,
      headers,
      body: req.method === 'GET' || req.method === 'HEAD' || !body.length ? undefined : body,
      redirect: 'manual',
    });
  } catch (e) {
    const cause = e.cause && e.cause.code ? e.cause.code : e.message;
    return send(res, 502, 'text/plain; charset=utf-8', `WeCom simulator: ${new URL(target).origin} cannot be reached (${cause})`);
  }
  const out = {};
  for (const h of BACK) if (answer.headers.has(h)) out[h] = answer.headers.get(h);
  const bytes = Buffer.from(await answer.arrayBuffer());
  res.writeHead(answer.status, Object.assign({ 'Cache-Control': 'no-store' }, out));
  return res.end(bytes);
}

/**
 * Starts the simulator server. Resolves { server, port, host, url, close() }.
 * Rejects with a clear message when the core is not built (`make build`) or the port is taken.
 * `backendUrl` (wcc-server) and `doubleUrl` (wecom-double) are where /backend/* and /__double/*
 * go; without them those routes answer 503.
 * `packageDir` is the mini program (default miniprogram/). With `watch` (ms, or true for
 * 300), the server polls the package, sim/ and the runtime: after a change it rebuilds, and
 * tells the page (/__sim/events) to relaunch the phone, or shows what is broken, with its file
 * and line, in the page and through `log` (the terminal). `pause()` holds reloads back (while
 * `make build` rewrites the core) and `resume(reason)` sends one.
 * @param {{ port?: number, host?: string, backendUrl?: string, doubleUrl?: string, packageDir?: string,
 *   watch?: number | boolean, log?: (line: string) => void }} [o]
 */
async function startServer(o = {}) {
  const host = o.host || '127.0.0.1';
  const port = o.port === undefined || o.port === null ? 5178 : Number(o.port);
  const backendUrl = o.backendUrl ? String(o.backendUrl).replace(/\/+$/, '') : '';
  const doubleUrl = o.doubleUrl ? String(o.doubleUrl).replace(/\/+$/, '') : '';
  const packageDir = o.packageDir ? path.resolve(o.packageDir) : PACKAGE_DIR;
  const log = o.log || (() => {});
  checkBuild(packageDir);
  const bundles = createBundler(packageDir);
  const events = new Set(); // open /__sim/events answers
  const broadcast = (type, data) => {
    const frame = `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const res of events) res.write(frame);
  };
  let shown = ''; // the problems last reported, formatted
  let panelHash = '';
  const report = (b) => {
    if (b['panel.js'] !== null) panelHash = crypto.createHash('sha1').update(b['panel.js']).digest('hex').slice(0, 12);
    const text = b.problems.map(formatProblem).join('\n');
    if (text !== shown) {
      if (text) for (const line of text.split('\n')) log(`WeCom simulator: ${line}`);
      else if (shown) log('WeCom simulator: the sources build again');
      shown = text;
    }
    return text;
  };
  report(await bundles()); // fail now (core not built), not on the first page load
  let paused = 0;
  let watchedStamp = inputsStamp(packageDir);
  const check = async (reason) => {
    const b = await bundles();
    if (report(b)) broadcast('problems', { problems: b.problems, text: shown });
    else broadcast('reload', { reason, ms: b.ms, panelHash });
  };
  let timer = null;
  if (o.watch) {
    const every = typeof o.watch === 'number' ? o.watch : 300;
    let busy = false;
    timer = setInterval(() => {
      if (busy || paused) return;
      const now = inputsStamp(packageDir);
      if (now === watchedStamp) return;
      watchedStamp = now;
      busy = true;
      check('sources changed').catch((e) => log(`WeCom simulator: ${e.message}`)).then(() => { busy = false; });
    }, every);
    if (timer.unref) timer.unref();
  }
  const seenTokens = new Set();
  const expiredTokens = new Set();
  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url, `http://${host}`);
      const p = url.pathname;
      if (p === '/backend' || p.startsWith('/backend/')) {
        if (!backendUrl) return send(res, 503, 'text/plain', 'WeCom simulator: no backend (start it with sim/stack.js)');
        const body = await readBody(req);
        const headers = {};
        for (const h of FORWARD) if (req.headers[h] !== undefined) headers[h] = req.headers[h];
        const bearer = /^Bearer (.+)$/.exec(headers.authorization || '');
        if (bearer) {
          if (expiredTokens.has(bearer[1])) headers.authorization = `Bearer ${EXPIRED_TOKEN}`;
          else seenTokens.add(bearer[1]);
        }
        return forward(req, res, body, `${backendUrl}${p.slice('/backend'.length) || '/'}${url.search}`, headers);
      }
      if (p.startsWith('/__double/')) {
        if (!doubleUrl) return send(res, 503, 'text/plain', 'WeCom simulator: no wecom-double (start it with sim/stack.js)');
        const body = await readBody(req);
        return forward(req, res, body, `${doubleUrl}${p}${url.search}`, { 'content-type': 'application/json' });
      }
      const avatar = /^\/__sim\/avatars\/([a-z0-9-]{1,40})\.svg$/.exec(p);
      if (avatar) {
        const file = path.join(STATIC_DIR, 'avatars', `${avatar[1]}.svg`);
        if (!fs.existsSync(file)) return send(res, 404, 'text/plain', 'no such avatar');
        return send(res, 200, TYPES['.svg'], fs.readFileSync(file));
      }
      const media = /^\/__sim\/media\/([a-z0-9-]{1,40}\.(?:png|jpg|pdf))$/.exec(p);
      if (media) {
        const file = path.join(STATIC_DIR, 'media', media[1]);
        if (!fs.existsSync(file)) return send(res, 404, 'text/plain', 'no such file');
        return send(res, 200, TYPES[path.extname(file)] || 'application/octet-stream', fs.readFileSync(file));
      }
      if (p === '/__sim/info') return send(res, 200, TYPES['.json'], JSON.stringify({ backendUrl, doubleUrl }));
      if (p === '/__sim/events') {
        res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
        res.write(`event: hello\ndata: ${JSON.stringify({ watch: !!o.watch, problems: shown, panelHash })}\n\n`);
        events.add(res);
        req.on('close', () => events.delete(res));
        return undefined;
      }
      if (p === '/__sim/runtime-error' && req.method === 'POST') {
        // A runtime error in the phone: its stack mapped from the bundle to the real files.
        let e;
        try {
          e = JSON.parse((await readBody(req)).toString('utf8') || '{}');
        } catch (err) {
          return send(res, 400, 'text/plain', 'JSON body expected');
        }
        const b = await bundles();
        const raw = String(e.stack || e.message || '').slice(0, 20000);
        const mapped = b.positions ? b.positions.mapStack(raw) : raw;
        const frames = mapped.split('\n').filter((l) => /^\s+at /.test(l));
        const where = frames.find((l) => l.includes(packageDir === PACKAGE_DIR ? 'miniprogram/' : packageDir)) || frames[0] || '';
        const head = `runtime error (${String(e.type || 'error').slice(0, 40)}): ${String(e.message || '').split('\n')[0].slice(0, 500)}`;
        log(`WeCom simulator: ${head}`);
        for (const f of frames.slice(0, 6)) log(`WeCom simulator: ${f}`);
        const text = `${head}\n${where.trim()}`;
        broadcast('runtime-error', { text, stack: mapped });
        return send(res, 200, TYPES['.json'], JSON.stringify({ text, stack: mapped }));
      }
      if (p === '/phone.js.map') {
        const b = await bundles();
        if (!b['phone.js.map']) return send(res, 404, 'text/plain', 'no source map');
        return send(res, 200, TYPES['.json'], b['phone.js.map']);
      }
      if (p === '/__sim/problems') {
        const b = await bundles();
        report(b);
        return send(res, 200, TYPES['.json'], JSON.stringify({ problems: b.problems, text: shown }));
      }
      if (p === '/__sim/expire-sessions' && req.method === 'POST') {
        await readBody(req);
        for (const t of seenTokens) expiredTokens.add(t);
        seenTokens.clear();
        return send(res, 200, TYPES['.json'], JSON.stringify({ ok: true, expired: expiredTokens.size }));
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'GET only');
      if (p === '/' || p === '/index.html') return send(res, 200, TYPES['.html'], fs.readFileSync(path.join(STATIC_DIR, 'index.html')));
      if (p === '/phone.html' || p === '/sim.css') return send(res, 200, TYPES[path.extname(p)], fs.readFileSync(path.join(STATIC_DIR, p.slice(1))));
      if (p === '/panel.js' || p === '/phone.js') {
        const b = await bundles();
        const text = report(b);
        const js = b[p.slice(1)];
        // A bundle that cannot be built answers a script that shows why, so the page
        // says what the terminal says instead of staying blank.
        return send(res, 200, TYPES['.js'], js === null ? problemScript(b.problems, text, p.slice(1)) : js);
      }
      if (p.startsWith('/pkg/')) {
        const f = packageFile(p.slice(5), packageDir);
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
    backendUrl,
    doubleUrl,
    port: actual,
    url: `http://${host}:${actual}/`,
    packageDir,
    /** Holds watcher reloads back (a core build is rewriting the package). */
    pause: () => { paused += 1; },
    /** Ends a pause; the page relaunches once (or shows what is broken); `null`: no relaunch. */
    resume: (reason = 'core rebuilt') => {
      paused = Math.max(0, paused - 1);
      if (paused) return Promise.resolve();
      watchedStamp = inputsStamp(packageDir);
      return reason === null ? Promise.resolve() : check(reason);
    },
    /** Tells the page something (for tests and scripts/dev.js). */
    broadcast,
    close: () => new Promise((resolve) => {
      if (timer) clearInterval(timer);
      for (const r of events) r.end();
      events.clear();
      server.close(() => resolve());
      if (server.closeAllConnections) server.closeAllConnections();
    }),
  };
}

module.exports = { startServer };
