'use strict';
// The real stack behind `make dev` and tests/sim.test.js, on loopback, each on a free port:
//   1. wecom-double, seeded with the simulator's fixtures (sim/fixtures.js doubleDataset(),
//      written to a temp folder as the double's dataset JSON), demo corp and secrets;
//   2. wcc-server on SQLite (a file in the same temp folder), WECOM_API_BASE = the double, its
//      materials library filled through its own admin API (seedMaterials(): quick replies,
//      group templates, an image, a file, a link, a mini-program card; the media uploaded to
//      the double's media/upload by the server);
//   3. the simulator's server (sim/server.js), proxying /backend/* to wcc-server and
//      /__double/* to the double.
// The binaries are cargo's debug builds (`make sim-bins`: cargo build -p wcc-server -p
// wecom-double), under $CARGO_TARGET_DIR or target/.
//
//   const { startStack } = require('./sim/stack');
//   const stack = await startStack({ port: 0, log: console.log });
//   stack.url; stack.double.url; stack.server.url; await stack.close();

const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const readline = require('readline');
const { startServer } = require('./server');
const { checkBuild, ROOT } = require('./build');
const { doubleDataset, HANDOVER, MATERIALS, MATERIAL_ADMINS } = require('./fixtures');

const MEDIA_DIR = path.join(__dirname, 'static', 'media');

/** The double's demo corp and secrets (wecom_double::Config::demo()). */
const DEMO = { corpId: 'wwdemo0123456789', agentSecret: 'agent-secret', contactSecret: 'contact-secret' };
/** The callback the double signs its transfer_fail events with (WeCom's published sample token and key). */
const CALLBACK = { token: 'QDG6eK', aesKey: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C' };
const READY_MS = 20000;

function targetDir() {
  const t = process.env.CARGO_TARGET_DIR;
  return t ? path.resolve(ROOT, t) : path.join(ROOT, 'target');
}

function binary(name) {
  return path.join(targetDir(), 'debug', name);
}

/** Throws a clear error when a binary is missing. */
function checkBinaries() {
  const missing = ['wecom-double', 'wcc-server'].filter((n) => !fs.existsSync(binary(n)));
  if (missing.length) {
    throw new Error(`WeCom simulator: ${missing.map(binary).join(' and ')} ${missing.length > 1 ? 'are' : 'is'} missing. ` +
      'Run `make sim-bins` (cargo build -p wcc-server -p wecom-double), or `make dev`, which builds them.');
  }
}

// eslint-disable-next-line no-control-regex
const stripAnsi = (s) => s.replace(/\x1b\[[0-9;]*m/g, '');

// Children still running, killed when this process exits however it exits (short of SIGKILL).
const live = new Set();
process.on('exit', () => {
  for (const child of live) {
    try { child.kill('SIGKILL'); } catch (e) { /* already gone */ }
  }
});

/**
 * Spawns a service and resolves { child, match, exited } once a line of its output matches
 * `ready`. Every line goes to log(`[name] line`). Rejects if it exits or stays silent first.
 */
function spawnService(name, bin, args, env, ready, log) {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(child);
    const tail = [];
    let settled = false;
    const exited = new Promise((r) => child.once('exit', (code, signal) => {
      live.delete(child);
      r({ code, signal });
    }));
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      child.kill('SIGKILL');
      reject(new Error(`${name} did not start within ${READY_MS / 1000} s:\n${tail.join('\n')}`));
    }, READY_MS);
    const onLine = (raw) => {
      const line = stripAnsi(raw);
      tail.push(line);
      if (tail.length > 20) tail.shift();
      log(`[${name}] ${line}`);
      const m = !settled && ready.exec(line);
      if (m) {
        settled = true;
        clearTimeout(timer);
        resolve({ child, match: m, exited });
      }
    };
    readline.createInterface({ input: child.stdout }).on('line', onLine);
    readline.createInterface({ input: child.stderr }).on('line', onLine);
    child.once('error', (e) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(new Error(`${name}: cannot start ${bin}: ${e.message}`));
    });
    exited.then(({ code, signal }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(new Error(`${name} exited (${signal || `status ${code}`}) before it was ready:\n${tail.join('\n')}`));
    });
  });
}

/** SIGTERM, then SIGKILL after `ms`; resolves when it has exited. */
async function stopService(svc, ms = 5000) {
  if (!svc || svc.child.exitCode !== null || svc.child.signalCode !== null) return;
  svc.child.kill('SIGTERM');
  const timer = setTimeout(() => svc.child.kill('SIGKILL'), ms);
  await svc.exited;
  clearTimeout(timer);
}

async function waitHealthy(url, ms = READY_MS) {
  const deadline = Date.now() + ms;
  let last = '';
  for (;;) {
    try {
      const r = await fetch(`${url}/healthz`);
      if (r.ok) return;
      last = `HTTP ${r.status} ${await r.text()}`;
    } catch (e) {
      last = e.message;
    }
    if (Date.now() > deadline) throw new Error(`wcc-server at ${url} is not healthy: ${last}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** POSTs JSON; resolves the answer's JSON, or throws with its status and text. */
async function postJson(url, body, headers = {}) {
  const r = await fetch(url, {
    method: 'POST',
    headers: Object.assign({ 'Content-Type': 'application/json' }, headers),
    body: JSON.stringify(body),
  });
  const text = await r.text();
  if (!r.ok) throw new Error(`POST ${url}: HTTP ${r.status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

/**
 * Fills wcc-server's materials library with sim/fixtures.js MATERIALS through its admin API,
 * as an admin would: signs in as the first of MATERIAL_ADMINS (a wx.qy.login code the double
 * issues, exchanged at POST /api/session), then POST /api/admin/materials for each entry, its
 * Idempotency-Key `sim-material-<key>` (so a repeated seed writes nothing twice). Media entries
 * carry their file from sim/static/media (the server uploads it to the double's media/upload);
 * a link's or card's cover is the simulator's /__sim/media/<cover> when `mediaBase` is known.
 * Resolves { id: key → material id }.
 */
async function seedMaterials({ serverUrl, doubleUrl, mediaBase }) {
  const { code } = await postJson(`${doubleUrl}/__double/code`, { userid: MATERIAL_ADMINS[0] });
  const { token } = await postJson(`${serverUrl}/api/session`, { code });
  const ids = {};
  for (const m of MATERIALS) {
    const body = { kind: m.kind, title: m.title, scope: m.scope };
    if (m.group) body.group = m.group;
    for (const k of ['text', 'url', 'desc', 'appid', 'page', 'filename']) if (m[k] !== undefined) body[k] = m[k];
    if (m.cover) body.img_url = mediaBase ? `${mediaBase}/${m.cover}` : `https://example.com/${m.cover}`;
    if (m.file) body.data_base64 = fs.readFileSync(path.join(MEDIA_DIR, m.file)).toString('base64');
    const answer = await postJson(`${serverUrl}/api/admin/materials`, body, {
      Authorization: `Bearer ${token}`,
      'Idempotency-Key': `sim-material-${m.key}`,
    });
    ids[m.key] = answer.id;
  }
  return ids;
}

/**
 * Starts wecom-double, wcc-server and the simulator. Resolves
 * { url, sim, double: {url, pid}, server: {url, pid}, materials, dir, exited, close() }
 * (materials: the seeded library's ids, sim/fixtures.js key → id):
 * `exited` resolves with {name, code, signal} if the double or the server stops on its own.
 * @param {{ port?: number, host?: string, log?: (line: string) => void, env?: object,
 *   packageDir?: string, watch?: number | boolean, simLog?: (line: string) => void, simulator?: boolean,
 *   materials?: boolean }} [o]
 *   port: the simulator's (0 = any free port; default 5178). log: every line the two
 *   services print (default: dropped). env: extra variables for wcc-server (e.g. RUST_LOG).
 *   packageDir, watch: the simulator's (sim/server.js); simLog: what it reports (problems).
 *   materials: false leaves the materials library empty (default: seeded, seedMaterials()).
 */
/** A port no one listens on now, on `host`. */
function freePort(host) {
  return new Promise((resolve, reject) => {
    const probe = require('net').createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

async function startStack(o = {}) {
  const log = o.log || (() => {});
  if (o.simulator !== false) checkBuild(o.packageDir);
  checkBinaries();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wcc-dev-'));
  const dataFile = path.join(dir, 'wecom-double-data.json');
  // The simulator's port is fixed before the double is seeded: the fixture customers'
  // pictures are served by the simulator, at its own URL.
  const simHost = o.host || '127.0.0.1';
  const simPort = o.simulator === false ? 0 : (o.port === undefined || o.port === null ? 5178 : (Number(o.port) || await freePort(simHost)));
  const avatarBase = simPort ? `http://${simHost}:${simPort}/__sim/avatars` : undefined;
  fs.writeFileSync(dataFile, JSON.stringify(doubleDataset(undefined, { avatarBase })));
  let double = null;
  let server = null;
  let sim = null;
  const cleanup = async () => {
    if (sim) await sim.close();
    await stopService(server);
    await stopService(double);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    double = await spawnService('wecom-double', binary('wecom-double'),
      ['--listen', '127.0.0.1:0', '--data', dataFile, '--corp-id', DEMO.corpId],
      Object.assign({}, process.env, { NO_COLOR: '1' }), /wecom-double listening on (http:\/\/\S+)/, log);
    const doubleUrl = double.match[1];
    const env = Object.assign({}, process.env, {
      RUST_LOG: process.env.RUST_LOG || 'info',
      NO_COLOR: '1',
      // The hand-over scenario: who may hand customers over, and the callback inbox the
      // double's transfer_fail events reach.
      WCC_HANDOVER_ADMINS: HANDOVER.admins.join(','),
      // Who fills the materials library (sim/fixtures.js MATERIALS, seeded below).
      WCC_MATERIAL_ADMINS: MATERIAL_ADMINS.join(','),
      WECOM_CALLBACK_TOKEN: CALLBACK.token,
      WECOM_CALLBACK_AES_KEY: CALLBACK.aesKey,
    }, o.env || {}, {
      WCC_LISTEN: '127.0.0.1:0',
      WCC_DATABASE_URL: `sqlite://${path.join(dir, 'wcc-server.db')}`,
      WECOM_CORP_ID: DEMO.corpId,
      WECOM_AGENT_SECRET: DEMO.agentSecret,
      WECOM_CONTACT_SECRET: DEMO.contactSecret,
      WECOM_API_BASE: doubleUrl,
    });
    server = await spawnService('wcc-server', binary('wcc-server'), [], env, /wcc-server listening.*?listen=(\S+)/, log);
    const serverUrl = `http://${server.match[1]}`;
    await waitHealthy(serverUrl);
    if (env.WECOM_CALLBACK_TOKEN) {
      const r = await fetch(`${doubleUrl}/__double/callback`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ url: `${serverUrl}/wecom/callback`, token: env.WECOM_CALLBACK_TOKEN, aes_key: env.WECOM_CALLBACK_AES_KEY }),
      });
      if (!r.ok) throw new Error(`wecom-double would not take the callback URL: HTTP ${r.status} ${await r.text()}`);
    }
    const materials = o.materials === false ? {} : await seedMaterials({
      serverUrl, doubleUrl, mediaBase: simPort ? `http://${simHost}:${simPort}/__sim/media` : undefined,
    });
    // simulator: false: only the double and the server (a headless journey, e.g. under jsdom,
    // where esbuild cannot load).
    if (o.simulator !== false) {
      sim = await startServer({ port: simPort, host: o.host, backendUrl: serverUrl, doubleUrl, packageDir: o.packageDir, watch: o.watch, log: o.simLog });
    }
    const exited = Promise.race([
      double.exited.then((e) => Object.assign({ name: 'wecom-double' }, e)),
      server.exited.then((e) => Object.assign({ name: 'wcc-server' }, e)),
    ]);
    let closing = null;
    return {
      url: sim ? sim.url : null,
      sim,
      double: { url: doubleUrl, pid: double.child.pid },
      server: { url: serverUrl, pid: server.child.pid, databaseUrl: env.WCC_DATABASE_URL },
      materials,
      dir,
      exited,
      close: () => {
        if (!closing) closing = cleanup();
        return closing;
      },
    };
  } catch (e) {
    await cleanup();
    throw e;
  }
}

module.exports = { startStack, seedMaterials, checkBinaries, binary, DEMO, CALLBACK };
