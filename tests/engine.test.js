/** @jest-environment jsdom */
// The core's two engines, loaded from the real built package (run `make build`
// first) inside the headless WeCom logic layer of tools/runtime: a vm context
// without WebAssembly, TextEncoder, TextDecoder or fetch, with code generation
// from strings off, and subpackages isolated as on real clients.
//  - shell/core-loader.js picks WXWebAssembly when it exists and instantiates
//    core/core.wasm.br (the only wasm shipped; base library >= 2.14.0), else
//    the JS build (fallback/core-js.js, binaryen wasm2js, in the `fallback`
//    subpackage), with no error: by require.async where the client has it,
//    else through the boot page fallback/pages/engine/engine?boot=1 (WeCom iOS
//    3.1.8, base library 2.12.3: no WXWebAssembly, no require.async);
//  - both engines give the same effects, views and snapshots;
//  - the app launches on every flavour and client, and the engine page
//    (fallback subpackage) says which engine runs and why (jsdom: the render layer);
//  - core-js.js has no eval / Function constructor and no i64 in its exports.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const vm = require('vm');
const { execFileSync } = require('child_process');
const { createRuntime } = require('../tools/runtime');
const { createBackend, data } = require('./journeys/harness.js');

const ROOT = path.join(__dirname, '..');
const PKG = path.join(ROOT, 'miniprogram');
const CORE = path.join(PKG, 'core');
const FALLBACK = path.join(PKG, 'fallback');
const CORE_JS = path.join(FALLBACK, 'core-js.js');
const PLAIN_WASM = path.join(ROOT, 'build', 'core.wasm'); // not shipped: tests and the fallback build read it
const JS_PATH = '/fallback/core-js.js';

const CONFIG = { backendUrl: 'https://api.example.com', locale: 'en' };
const LAUNCH = {
  type: 'launch',
  now: 1,
  systemInfo: { environment: 'wxwork', platform: 'android' },
  hasQy: true,
  qyApis: ['login', 'checkSession'],
};

beforeAll(() => {
  const built = ['miniprogram/core/core.wasm.br', 'miniprogram/core/glue.js', 'miniprogram/core/manifest.js',
    'miniprogram/fallback/core-js.js', 'miniprogram/fallback/glue-js.js', 'build/core.wasm'];
  for (const f of built) {
    if (!fs.existsSync(path.join(ROOT, f))) throw new Error(`${f} is missing: run \`make build\``);
  }
});

function runtime(flavour, packageDir = PKG) {
  return createRuntime({ packageDir, scenario: { flavour }, forwardConsole: false });
}

/** loadCore() inside the runtime's logic layer; settles host work (WXWebAssembly). */
async function load(rt) {
  const loader = rt.require('shell/core-loader.js');
  const pending = loader.loadCore();
  await rt.settle();
  return pending;
}

const json = (v) => JSON.parse(JSON.stringify(v));

/** Page navigations the app made: [api, url, errMsg]. */
function navigations(rt) {
  return rt.log.wx
    .filter((w) => ['navigateTo', 'navigateBack', 'redirectTo', 'reLaunch'].includes(w.api))
    .map((w) => [w.api, (w.args && w.args.url) || null, w.errMsg]);
}
const BOOT_URL = '/fallback/pages/engine/engine?boot=1';
const BOOT_NAVIGATIONS = [['navigateTo', BOOT_URL, 'navigateTo:ok'], ['navigateBack', null, 'navigateBack:ok']];

/** core-js.js evaluated in a fresh vm context (not through jest's transform: it is 1.3 MB). */
function evalCoreJs(text, setup) {
  const ctx = vm.createContext({}, { codeGeneration: { strings: false, wasm: false } });
  vm.runInContext(`delete globalThis.WebAssembly; ${setup || ''}`, ctx);
  const mod = vm.runInContext('({ exports: {} })', ctx);
  new vm.Script(`(function (module, exports) {${text}\n})`, { filename: 'core-js.js' }).runInContext(ctx)(mod, mod.exports);
  return mod.exports;
}

/** The same script of events on one engine: everything the core says, as JSON. */
function drive(rt, Core) {
  const core = new Core(rt.logic.toCtx(CONFIG));
  const out = { launch: json(core.dispatch(rt.logic.toCtx(LAUNCH))) };
  out.view = json(core.view());
  const step = (ev) => {
    try {
      return { effects: json(core.dispatch(rt.logic.toCtx(ev))) };
    } catch (err) {
      return { threw: String(err && err.message), code: err && err.code };
    }
  };
  out.later = [];
  const login = out.launch.find((e) => e.kind === 'qy' && e.api === 'login');
  if (login) {
    out.later.push(step({ type: 'qyResult', id: login.id, api: 'login', result: { errMsg: 'login:ok', code: 'code-1' } }));
  }
  const session = (out.later[0] && out.later[0].effects ? out.later[0].effects : []).find((e) => e.kind === 'http');
  // Bodies large enough (3 MB of UTF-8) to grow memory well past its initial 1.1 MB; the second
  // is read by the core, so a memory view left on the old buffer would show (as garbage).
  out.later.push(step({ type: 'httpResult', id: 999999, status: 200, body: '客'.repeat(1e6), errMsg: '' }));
  if (session) {
    const body = JSON.stringify({ token: 'session-token', pad: '客'.repeat(1e6) });
    out.later.push(step({ type: 'httpResult', id: session.id, status: 200, body, errMsg: '' }));
  }
  for (const ev of [
    { type: 'hide', now: 2 },
    { type: 'show', now: 3 },
    { type: 'networkChanged', online: false, now: 4 },
    { type: 'networkChanged', online: true, now: 5 },
  ]) {
    out.later.push(step(ev));
  }
  out.finalView = json(core.view());
  out.snapshot = core.snapshot();
  const restored = Core.restore(out.snapshot);
  out.restoredSnapshot = restored.snapshot();
  out.snapshotVersion = Core.snapshotVersion();
  return out;
}

describe('the logic layer the engines run in', () => {
  test('has no WebAssembly, text codecs, fetch or code generation', () => {
    const rt = runtime('old');
    const probe = (src) => vm.runInContext(src, rt.context);
    expect(probe('typeof WebAssembly')).toBe('undefined');
    expect(probe('typeof TextEncoder')).toBe('undefined');
    expect(probe('typeof TextDecoder')).toBe('undefined');
    expect(probe('typeof fetch')).toBe('undefined');
    expect(probe('typeof WXWebAssembly')).toBe('undefined');
    expect(() => probe("eval('1')")).toThrow();
    expect(() => probe("new Function('return 1')")).toThrow();
    rt.dispose();
  });
});

describe('loadCore on each client flavour', () => {
  const cases = [
    { flavour: 'android', engine: 'wasm', path: '/core/core.wasm.br' },
    { flavour: 'ios', engine: 'wasm', path: '/core/core.wasm.br' },
    { flavour: 'old', engine: 'js', path: JS_PATH, reason: /no WXWebAssembly/ },
    { flavour: 'broken', engine: 'js', path: JS_PATH, reason: /did not load.*core\.wasm\.br.*broken client/ },
  ];
  const results = {};

  test.each(cases)('$flavour: resolves with the $engine engine', async (c) => {
    const rt = runtime(c.flavour);
    const res = await load(rt);
    expect(res.engine).toBe(c.engine);
    expect(res.path).toBe(c.path);
    if (c.reason) expect(res.reason).toMatch(c.reason);
    else expect(res.reason).toBeUndefined();
    expect(rt.require('shell/core-loader.js').lastLoad()).toMatchObject({ engine: c.engine, path: c.path, reason: res.reason || null });
    // The JS build is loaded only when it is used, with require.async (its subpackage).
    expect(rt.logic.modules.has('fallback/core-js.js')).toBe(c.engine === 'js');
    expect(rt.logic.modules.has('fallback/glue-js.js')).toBe(c.engine === 'js');
    expect(rt.log.requireAsync.map((r) => [r.path, r.subpackage, r.ok])).toEqual(
      c.engine === 'js' ? [['fallback/core-js.js', 'fallback', true], ['fallback/glue-js.js', 'fallback', true]] : [],
    );
    if (c.engine === 'js') expect(res.loader).toBe('require.async');
    // Only the .br is tried (and exists): the plain .wasm is not in the package.
    expect(rt.log.wasm.map((w) => w.path)).toEqual(c.flavour === 'old' ? [] : ['/core/core.wasm.br']);
    results[c.flavour] = drive(rt, res.Core);
    // Nothing visible went wrong: no runtime error, no console.error.
    expect(rt.errors).toEqual([]);
    expect(rt.log.console.filter((l) => l.level === 'error')).toEqual([]);
    rt.dispose();
  });

  test('every engine returns the same effects, views and snapshots', () => {
    const ref = results.android;
    if (process.env.ENGINE_TEST_DUMP) fs.writeFileSync(process.env.ENGINE_TEST_DUMP, JSON.stringify(results, null, 1));
    expect(ref).toBeDefined();
    expect(ref.launch.length).toBeGreaterThan(0);
    expect(ref.launch.some((e) => e.kind === 'qy' && e.api === 'login')).toBe(true);
    expect(ref.later.length).toBe(7); // login -> session request -> its (large) answer was read
    expect(ref.later.every((r) => Array.isArray(r.effects))).toBe(true);
    for (const flavour of ['ios', 'old', 'broken']) {
      expect(results[flavour]).toBeDefined();
      expect(results[flavour].launch).toEqual(ref.launch);
      expect(results[flavour]).toEqual(ref);
    }
  });
});

describe('iOS rejecting a module that exports a Global', () => {
  let dir;
  beforeAll(() => {
    // The package, with a core.wasm that exports one Global (as wasm-bindgen's raw output does).
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wcc-engine-'));
    fs.cpSync(PKG, dir, { recursive: true });
    const script = `(async () => {
      const binaryen = (await import('binaryen')).default;
      const fs = require('fs');
      const zlib = require('zlib');
      const mod = binaryen.readBinary(fs.readFileSync(${JSON.stringify(PLAIN_WASM)}));
      mod.addGlobal('test_global', binaryen.i32, false, mod.i32.const(7));
      mod.addGlobalExport('test_global', '__test_global');
      const bytes = Buffer.from(mod.emitBinary());
      fs.writeFileSync(${JSON.stringify(path.join(dir, 'core', 'core.wasm.br'))}, zlib.brotliCompressSync(bytes));
    })().catch((e) => { console.error(e); process.exit(1); });`;
    execFileSync(process.execPath, ['-e', script], { cwd: ROOT, stdio: 'inherit' });
  });
  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('ios falls back to the JS build, silently, with the same effects', async () => {
    const rt = runtime('ios', dir);
    const res = await load(rt);
    expect(res.engine).toBe('js');
    expect(res.path).toBe(JS_PATH);
    expect(res.reason).toMatch(/Global/);
    expect(rt.log.wasm.map((w) => w.ok)).toEqual([false]);
    const out = drive(rt, res.Core);
    expect(rt.errors).toEqual([]);
    rt.dispose();

    const ref = runtime('android', dir); // the same module is fine off iOS
    const refRes = await load(ref);
    expect(refRes.engine).toBe('wasm');
    expect(out).toEqual(drive(ref, refRes.Core));
    ref.dispose();
  });
});

describe('no engine at all', () => {
  let dir;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wcc-engine-'));
    fs.cpSync(PKG, dir, { recursive: true });
    fs.rmSync(path.join(dir, 'fallback', 'core-js.js'));
  });
  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test.each([
    // require.async rejects (the file is missing), so the boot page is tried, and its require fails too.
    ['require.async rejects', { flavour: 'old' }, /^the core did not load: no WXWebAssembly on this client; \/fallback\/core-js\.js: require\.async: module "\.\.\/fallback\/core-js\.js" is not defined.*; boot page: require: module "\.\.\/\.\.\/core-js\.js" is not defined/],
    // Without require.async (base library < 2.11.2) the boot page is the one try.
    ['no require.async', { flavour: 'old', sdkVersion: '2.11.1' }, /: require\.async: this client has no require\.async; boot page: require: module "\.\.\/\.\.\/core-js\.js" is not defined/],
  ])('%s: rejects with code no_engine; the page says it cannot start', async (_name, scenario, why) => {
    const rt = createRuntime({ packageDir: dir, scenario, forwardConsole: false });
    await rt.launch();
    expect(rt.app.host.failure).toMatchObject({ route: 'fatal', title: '无法启动 / Cannot start' });
    expect(rt.route).toBe('pages/index/index'); // the boot page went back
    expect(rt.pages).toHaveLength(1);
    expect(rt.text()).toContain('无法启动 / Cannot start');
    const loader = rt.require('shell/core-loader.js');
    expect(loader.lastLoad()).toMatchObject({ engine: 'none', path: null, reason: 'no WXWebAssembly on this client', error: expect.stringMatching(why) });
    const again = loader.loadCore().then(() => null, (err) => err);
    await rt.settle();
    expect(await again).toMatchObject({ code: 'no_engine', message: expect.stringMatching(why) });
    expect(rt.errors).toEqual([]);
    rt.dispose();
  });
});

describe('loads after the first', () => {
  test('a failed WXWebAssembly is not retried; every load has its own memory', async () => {
    const rt = runtime('broken');
    const a = await load(rt);
    const attempts = rt.log.wasm.length;
    expect(attempts).toBe(1);
    const b = await load(rt);
    expect(rt.log.wasm.length).toBe(attempts);
    expect(b.engine).toBe('js');
    expect(b.Core).not.toBe(a.Core);
    const coreA = new a.Core(rt.logic.toCtx(CONFIG));
    const before = coreA.snapshot();
    const coreB = new b.Core(rt.logic.toCtx(CONFIG));
    coreB.dispatch(rt.logic.toCtx(LAUNCH));
    expect(coreA.snapshot()).toBe(before);
    expect(coreB.snapshot()).not.toBe(before);
    rt.dispose();
  });

  test('a wasm load builds a fresh instance each time', async () => {
    const rt = runtime('android');
    const a = await load(rt);
    const b = await load(rt);
    expect(a.engine).toBe('wasm');
    expect(b.engine).toBe('wasm');
    expect(b.Core).not.toBe(a.Core);
    expect(rt.log.wasm.filter((w) => w.ok).length).toBe(2);
    rt.dispose();
  });
});

describe('which client gets which engine, and how (the app launched, fixture backend)', () => {
  const { launch, view } = require('./journeys/harness.js');
  const IOS_318 = { flavour: 'old', platform: 'ios', clientVersion: '3.1.8' }; // base library 2.12.3
  const BR_REJECTED = /^WXWebAssembly did not load the core: \/core\/core\.wasm\.br: WXWebAssembly\.instantiate: \.wasm\.br needs base library 2\.14\.0/;
  const cases = [
    // (a) no WXWebAssembly, no require.async: the boot page.
    { name: 'WeCom iOS 3.1.8, base library 2.12.3', scenario: IOS_318, engine: 'js', loader: 'boot-page', wasm: [], reason: /^no WXWebAssembly on this client$/ },
    { name: 'WeCom Android 3.1.22, base library 2.12.3', scenario: { flavour: 'old', platform: 'android', clientVersion: '3.1.22' }, engine: 'js', loader: 'boot-page', wasm: [] },
    // (b) no WXWebAssembly, require.async: no navigation.
    { name: 'WeCom Android 3.1.23, base library 2.12.3', scenario: { flavour: 'old', platform: 'android', clientVersion: '3.1.23' }, engine: 'js', loader: 'require.async', wasm: [] },
    { name: 'WeCom iOS 4.0.8, base library 2.12.3', scenario: { flavour: 'old', platform: 'ios', clientVersion: '4.0.8' }, engine: 'js', loader: 'require.async', wasm: [] },
    // (c) WXWebAssembly, but base library 2.13.x cannot read .br.
    { name: 'WeCom Android, base library 2.13.1', scenario: { flavour: 'android', sdkVersion: '2.13.1' }, engine: 'js', loader: 'require.async', wasm: [false], reason: BR_REJECTED },
    { name: 'WeCom iOS, base library 2.13.9', scenario: { flavour: 'ios', sdkVersion: '2.13.9' }, engine: 'js', loader: 'require.async', wasm: [false], reason: BR_REJECTED },
    { name: 'WeCom iOS 3.1.8, base library 2.13.1', scenario: { flavour: 'ios', clientVersion: '3.1.8', sdkVersion: '2.13.1' }, engine: 'js', loader: 'boot-page', wasm: [false], reason: BR_REJECTED },
    // (d) as before.
    { name: 'WeCom Android, base library 2.14.0', scenario: { flavour: 'android', sdkVersion: '2.14.0' }, engine: 'wasm', wasm: [true] },
    { name: 'WeCom Android, base library 3.4.0', scenario: { flavour: 'android' }, engine: 'wasm', wasm: [true] },
    { name: 'WeCom iOS, base library 3.4.0', scenario: { flavour: 'ios' }, engine: 'wasm', wasm: [true] },
    { name: 'broken WXWebAssembly', scenario: { flavour: 'broken' }, engine: 'js', loader: 'require.async', wasm: [false], reason: /broken client/ },
  ];
  let reference = null;

  test.each(cases.map((c) => [`${c.name}: ${c.engine}${c.loader ? ` via ${c.loader}` : ''}`, c]))('%s', async (_title, c) => {
    const { rt } = await launch(c.scenario);
    const loader = rt.require('shell/core-loader.js');
    expect(loader.lastLoad()).toMatchObject({ engine: c.engine, loader: c.loader || null, error: null });
    if (c.reason) expect(loader.lastLoad().reason).toMatch(c.reason);
    expect(rt.app.host.engine).toBe(c.engine);
    expect(rt.log.wasm.map((w) => [w.path, w.ok])).toEqual(c.wasm.map((ok) => ['/core/core.wasm.br', ok]));
    expect(rt.log.requireAsync.map((r) => [r.path, r.ok])).toEqual(
      c.loader === 'require.async' ? [['fallback/core-js.js', true], ['fallback/glue-js.js', true]] : [],
    );
    expect(navigations(rt)).toEqual(c.loader === 'boot-page' ? BOOT_NAVIGATIONS : []);
    // The app reached the card, and the user is back where they were.
    const v = view(rt);
    expect(v.route).toBe('card');
    if (!reference) reference = v.card;
    expect(v.card).toEqual(reference);
    expect(rt.route).toBe('pages/index/index');
    expect(rt.pages).toHaveLength(1);
    expect(rt.errors).toEqual([]);
    expect(rt.warnings).toEqual([]);
    expect(rt.log.console.filter((l) => l.level === 'error')).toEqual([]);
    rt.dispose();
  });

  test('WeCom iOS 3.1.8: the main package cannot plainly require the JS engine; the boot page can, once', async () => {
    const { rt } = await launch(IOS_318);
    const { hasRequireAsync } = require('../tools/runtime/lib/logic');
    expect(hasRequireAsync(rt.scenario)).toBe(false);
    expect(vm.runInContext('typeof WXWebAssembly', rt.context)).toBe('undefined');
    // The boot page opened, required the two modules, and went away.
    const hooks = rt.log.lifecycle.filter((l) => l.target === 'fallback/pages/engine/engine').map((l) => l.hook);
    expect(hooks).toEqual(expect.arrayContaining(['onLoad', 'onReady', 'onUnload']));
    expect(rt.logic.modules.has('fallback/core-js.js')).toBe(true);
    // A core rebuilt after a trap (another loadCore) uses the modules it has: no second navigation.
    const loader = rt.require('shell/core-loader.js');
    const again = loader.loadCore();
    await rt.settle();
    expect(await again).toMatchObject({ engine: 'js', path: JS_PATH, loader: 'boot-page', reason: 'no WXWebAssembly on this client' });
    expect(navigations(rt)).toEqual(BOOT_NAVIGATIONS);
    rt.dispose();

    // What the loader did before: a plain require from the main package, which real clients refuse.
    const fresh = createRuntime({ packageDir: PKG, scenario: IOS_318, forwardConsole: false });
    expect(() => fresh.require('fallback/core-js.js')).toThrow(/subpackage "fallback", which this client has not loaded/);
    fresh.dispose();
  });

  test('WeCom iOS 3.1.8: a load started before any page waits for the first one; concurrent loads share one boot page', async () => {
    const backend = createBackend();
    const rt = createRuntime({
      packageDir: PKG,
      forwardConsole: false,
      scenario: Object.assign({}, IOS_318, { externalUserId: data.WECHAT_ID, chatId: data.CHAT_ID, backend: (req) => backend.handle(req) }),
    });
    const loader = rt.require('shell/core-loader.js');
    let early = null;
    loader.loadCore().then((res) => { early = res; });
    await rt.settle();
    expect(navigations(rt)).toEqual([]); // no page yet: nothing to navigate from
    await rt.launch(); // App.onLaunch loads too; then the first page opens
    expect(navigations(rt)).toEqual([]);
    expect(early).toBeNull();
    await rt.advance(100); // the loader looks again
    expect(navigations(rt)).toEqual(BOOT_NAVIGATIONS);
    expect(early).toMatchObject({ engine: 'js', loader: 'boot-page' });
    expect(view(rt).route).toBe('card');
    expect(rt.route).toBe('pages/index/index');
    expect(rt.errors).toEqual([]);
    rt.dispose();
  });

  test('WeCom iOS 3.1.8 launched on the boot page itself: it provides the engine, then reLaunches the main page', async () => {
    const backend = createBackend();
    const rt = createRuntime({
      packageDir: PKG,
      forwardConsole: false,
      scenario: Object.assign({}, IOS_318, { externalUserId: data.WECHAT_ID, chatId: data.CHAT_ID, backend: (req) => backend.handle(req) }),
    });
    await rt.launch({ path: 'fallback/pages/engine/engine?boot=1' });
    expect(navigations(rt)).toEqual([['reLaunch', '/pages/index/index', 'reLaunch:ok']]);
    expect(rt.route).toBe('pages/index/index');
    expect(view(rt).route).toBe('card');
    expect(rt.require('shell/core-loader.js').lastLoad()).toMatchObject({ engine: 'js', loader: 'boot-page' });
    expect(rt.errors).toEqual([]);
    rt.dispose();
  });

  test('WeCom iOS 3.1.8: a failed navigateTo is retried', async () => {
    const backend = createBackend();
    const rt = createRuntime({
      packageDir: PKG,
      forwardConsole: false,
      scenario: Object.assign({}, IOS_318, { externalUserId: data.WECHAT_ID, chatId: data.CHAT_ID, backend: (req) => backend.handle(req) }),
    });
    const realNavigateTo = rt.wx.navigateTo;
    let calls = 0;
    rt.wx.navigateTo = (o) => {
      calls += 1;
      if (calls === 1) return realNavigateTo({ url: '/pages/busy/busy', fail: o.fail }); // fails: no such page
      return realNavigateTo(o);
    };
    await rt.launch();
    expect(calls).toBe(1);
    expect(view(rt).route).toBe('loading');
    await rt.advance(100);
    expect(calls).toBe(2);
    expect(navigations(rt)).toEqual([['navigateTo', '/pages/busy/busy', 'navigateTo:fail page "pages/busy/busy" is not found'], ...BOOT_NAVIGATIONS]);
    expect(view(rt).route).toBe('card');
    expect(rt.route).toBe('pages/index/index');
    expect(rt.errors).toEqual([]);
    rt.dispose();
  });
});

describe('the app on every flavour, opened on the engine page', () => {
  // The app (app.js, shell/, core/) and the fallback subpackage's page; pages/ and components/
  // are the journeys' business (tests/journeys).
  const cases = [
    { flavour: 'android', engine: 'wasm', shows: 'WebAssembly (WXWebAssembly, core.wasm.br)', detail: '/core/core.wasm.br' },
    { flavour: 'ios', engine: 'wasm', shows: 'WebAssembly (WXWebAssembly, core.wasm.br)', detail: '/core/core.wasm.br' },
    { flavour: 'old', engine: 'js', shows: 'JavaScript (wasm2js fallback)', detail: 'no WXWebAssembly on this client', loader: 'require.async' },
    { flavour: 'broken', engine: 'js', shows: 'JavaScript (wasm2js fallback)', detail: 'broken client', loader: 'require.async' },
    // WeCom iOS 3.1.8: the boot page opens on top of this page, then goes back to it.
    { flavour: 'old', platform: 'ios', clientVersion: '3.1.8', engine: 'js', shows: 'JavaScript (wasm2js fallback)', detail: 'no WXWebAssembly on this client', loader: 'boot-page' },
  ];

  test.each(cases.map((c) => [`${c.flavour}${c.clientVersion ? ` ${c.platform} ${c.clientVersion}` : ''}`, c]))(
    '%s: launches, and the page says which engine and why', async (_title, c) => {
    const backend = createBackend();
    const rt = createRuntime({
      packageDir: PKG,
      forwardConsole: false,
      scenario: {
        flavour: c.flavour,
        platform: c.platform,
        clientVersion: c.clientVersion || '4.1.36',
        externalUserId: data.WECHAT_ID,
        chatId: data.CHAT_ID,
        backend: (req) => backend.handle(req),
      },
    });
    await rt.launch({ path: 'fallback/pages/engine/engine' });
    expect(rt.route).toBe('fallback/pages/engine/engine');
    const host = rt.app.host;
    expect(host.engine).toBe(c.engine);
    expect(host.failure).toBeNull();
    expect(host.core).not.toBeNull();
    // The core ran its launch flow: login, then the session request to the backend.
    expect(rt.log.qy.map((q) => q.api)).toContain('login');
    expect(backend.requests.length).toBeGreaterThan(0);
    expect(rt.log.requireAsync.filter((r) => r.ok).map((r) => r.path)).toEqual(
      c.loader === 'require.async' ? ['fallback/core-js.js', 'fallback/glue-js.js'] : [],
    );
    expect(navigations(rt)).toEqual(c.loader === 'boot-page' ? BOOT_NAVIGATIONS : []);
    expect(rt.pages).toHaveLength(1);
    const text = rt.text();
    expect(text).toContain(c.shows);
    expect(text).toContain(c.detail);
    if (c.loader) expect(text).toContain(`加载方式 / Loaded by${c.loader}`);
    // the core's support line lives here (home no longer shows it)
    expect(text).toMatch(/支持信息 \/ Support linewecom /);
    await rt.tap('.engine-copy');
    expect(rt.device.clipboard).toContain(c.shows);
    expect(rt.text()).toContain('已复制 / Copied');
    expect(rt.errors).toEqual([]);
    expect(rt.warnings).toEqual([]);
    expect(rt.log.console.filter((l) => l.level === 'error')).toEqual([]);
    rt.dispose();
  });
});

describe('core-js.js (the wasm2js output)', () => {
  const text = fs.existsSync(CORE_JS) ? fs.readFileSync(CORE_JS, 'utf8') : '';

  test('was built from the current core (build/core.wasm = core.wasm.br, unpacked)', () => {
    const plain = fs.readFileSync(PLAIN_WASM);
    const sha = require('crypto').createHash('sha256').update(plain).digest('hex');
    const manifest = require(path.join(CORE, 'manifest.js'));
    expect(require('zlib').brotliDecompressSync(fs.readFileSync(path.join(CORE, 'core.wasm.br'))).equals(plain)).toBe(true);
    expect({ manifest: manifest.wasmSha256, bytes: manifest.bytes, wasm: manifest.wasm }).toEqual({ manifest: sha, bytes: plain.length, wasm: undefined });
    expect({ wasmSha256: evalCoreJs(text).wasmSha256, hint: 'stale: run node scripts/build-fallback.js' }).toEqual({
      wasmSha256: sha,
      hint: 'stale: run node scripts/build-fallback.js',
    });
  });

  test('uses nothing the logic layer lacks', () => {
    expect(text.length).toBeGreaterThan(0);
    expect(text).not.toMatch(/\beval\b/);
    expect(text).not.toMatch(/\bnew\s+Function\b/);
    expect(text).not.toMatch(/\bFunction\s*\(/);
    expect(text).not.toMatch(/\bimport\s*\.\s*meta\b/);
    expect(text).not.toMatch(/\bimport\s*\(/);
    expect(text).not.toMatch(/\bfetch\b/);
    expect(text).not.toMatch(/WebAssembly/);
    expect(text).not.toMatch(/\brequire\s*\(/);
  });

  test('exports the same surface as the wasm, with no i64 legalized into it', () => {
    const manifest = require(path.join(CORE, 'manifest.js'));
    const stub = () => new Proxy({}, { get: () => () => 0 });
    const wasm = new WebAssembly.Instance(new WebAssembly.Module(fs.readFileSync(PLAIN_WASM)), {
      [manifest.importModule]: stub(),
    }).exports;
    const coreJs = evalCoreJs(text);
    expect(coreJs.importModule).toBe(manifest.importModule);
    const js = coreJs.instantiate({ [manifest.importModule]: stub() });
    expect(Object.keys(js).sort()).toEqual(Object.keys(wasm).sort());
    for (const name of Object.keys(wasm)) {
      if (typeof wasm[name] === 'function') {
        // An i64 parameter would be split in two (arity + 1); an i64 result would need setTempRet0.
        expect([name, typeof js[name], js[name].length]).toEqual([name, 'function', wasm[name].length]);
      } else {
        expect(name).toBe('memory');
        expect(Object.prototype.toString.call(js.memory.buffer)).toBe('[object ArrayBuffer]');
        expect(js.memory.buffer.byteLength).toBe(wasm.memory.buffer.byteLength);
      }
    }
    expect(text).not.toMatch(/TempRet0/);
  });

  test('imports taking i64 get (low, high) put back together', () => {
    const { legalizedI64Import } = evalCoreJs(text);
    const seen = [];
    const f = legalizedI64Import((...args) => seen.push(args), 'iji');
    f(7, 5, -1, 9);
    f(1, 0xffffffff | 0, 0x7fffffff, 2);
    f(1, 0, 0, 2);
    expect(seen).toEqual([
      [7, BigInt(-4294967291), 9],
      [1, BigInt('9223372036854775807'), 2],
      [1, BigInt(0), 2],
    ]);
    // Without BigInt (old engines), a Number.
    const got = [];
    evalCoreJs(text, 'delete globalThis.BigInt;').legalizedI64Import((x) => got.push(x), 'j')(5, -1);
    expect(got).toEqual([-4294967291]);
  });
});
