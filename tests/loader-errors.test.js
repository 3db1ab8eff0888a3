/** @jest-environment jsdom */
// When the JS engine cannot be had: shell/core-loader.js on a client whose
// require.async rejects. WeChat documents the rejection as a plain object,
// `{ mod, errMsg }` (not an Error); the headless runtime gives that shape when
// a subpackage cannot be downloaded (scenario.subpackageErrors), and then also
// fails navigation to the subpackage's pages, as the client does.
//  - the loader's error and lastLoad() carry the client's errMsg and mod,
//    never "[object Object]";
//  - it says so at once: the boot page (in the same subpackage) gets one
//    navigateTo, not the 10 s of retries meant for clients whose only way in
//    it is (those still get them);
//  - the app shows the fatal page with the reason, right away.
// Run `make build` first (the loader requires core/manifest.js and core/glue.js).
'use strict';

const fs = require('fs');
const path = require('path');
const vm = require('vm');
const { createRuntime } = require('../tools/runtime');
const { createBackend, data } = require('./journeys/harness.js');

const ROOT = path.join(__dirname, '..');
// WCC_PACKAGE_DIR: another built copy of miniprogram/ (default: this repository's).
const PKG = path.resolve(process.env.WCC_PACKAGE_DIR || path.join(ROOT, 'miniprogram'));
const REASON = 'network error (subpackage download failed)';
const ERRMSG = `require.async:fail ${REASON}`;
// WXWebAssembly present but failing (broken client), or absent (old flavour, WeCom Android 3.1.23
// has require.async): either way the JS engine is needed, and the fallback subpackage will not come.
const CLIENTS = [
  { name: 'broken WXWebAssembly', scenario: { flavour: 'broken' }, reason: /broken client/ },
  { name: 'no WXWebAssembly, WeCom Android 3.1.23', scenario: { flavour: 'old', platform: 'android', clientVersion: '3.1.23' }, reason: /^no WXWebAssembly on this client$/ },
];

beforeAll(() => {
  for (const f of ['core/manifest.js', 'core/glue.js', 'core/core.wasm.br']) {
    if (!fs.existsSync(path.join(PKG, f))) throw new Error(`${path.join(PKG, f)} is missing: run \`make build\``);
  }
});

function runtime(scenario) {
  const backend = createBackend();
  return createRuntime({
    packageDir: PKG,
    forwardConsole: false,
    scenario: Object.assign(
      { externalUserId: data.WECHAT_ID, chatId: data.CHAT_ID, backend: (req) => backend.handle(req), subpackageErrors: { fallback: REASON } },
      scenario,
    ),
  });
}

const BOOT_URL = '/fallback/pages/engine/engine?boot=1';

function navigations(rt) {
  return rt.log.wx.filter((w) => ['navigateTo', 'navigateBack', 'redirectTo', 'reLaunch'].includes(w.api)).map((w) => [w.api, w.args && w.args.url, w.errMsg]);
}

describe('the runtime models a subpackage that cannot be downloaded', () => {
  test('require.async rejects with the documented { mod, errMsg } object; navigateTo to its page fails', async () => {
    const rt = runtime({ flavour: 'android' });
    vm.runInContext('globalThis.__seen = []', rt.context);
    // A module of the main package that calls require.async, as the loader does.
    const loader = rt.require('shell/core-loader.js');
    expect(loader).toBeDefined();
    const probe = vm.runInContext(`(function (req) {
      return req.async('../fallback/core-js.js').then(
        (m) => { globalThis.__seen.push({ ok: true }); },
        (e) => { globalThis.__seen.push({ ok: false, isError: e instanceof Error, keys: Object.keys(e).sort(), mod: e.mod, errMsg: e.errMsg }); });
    })`, rt.context);
    probe(rt.logic.makeRequire('shell/core-loader.js'));
    await rt.settle();
    expect(JSON.parse(JSON.stringify(vm.runInContext('globalThis.__seen', rt.context)))).toEqual([
      { ok: false, isError: false, keys: ['errMsg', 'mod'], mod: 'fallback/core-js.js', errMsg: ERRMSG },
    ]);
    expect(rt.log.requireAsync.map((r) => [r.path, r.subpackage, r.ok, r.error])).toEqual([['fallback/core-js.js', 'fallback', false, ERRMSG]]);
    expect(rt.logic.loadedSubpackages.has('fallback')).toBe(false);

    await rt.launch();
    let res = null;
    rt.wx.navigateTo({ url: '/fallback/pages/engine/engine', success: (r) => { res = r; }, fail: (r) => { res = r; } });
    await rt.settle();
    expect(res.errMsg).toBe(`navigateTo:fail ${REASON}`);
    expect(rt.route).toBe('pages/index/index');
    rt.dispose();
  });

  test('without subpackageErrors nothing changes: require.async and the engine page work', async () => {
    const rt = createRuntime({ packageDir: PKG, forwardConsole: false, scenario: { flavour: 'broken' } });
    const pending = rt.require('shell/core-loader.js').loadCore();
    await rt.settle();
    await expect(pending).resolves.toMatchObject({ engine: 'js', loader: 'require.async' });
    rt.dispose();
  });
});

describe.each(CLIENTS)('$name, the fallback subpackage cannot be downloaded', (client) => {
  test('loadCore rejects at once with the client\'s errMsg and mod, also in lastLoad()', async () => {
    const rt = runtime(client.scenario);
    await rt.launch(); // App.onLaunch loads once; the first page is open
    const loader = rt.require('shell/core-loader.js');
    const t0 = rt.now;
    const navigationsBefore = navigations(rt).length;
    let outcome = null;
    loader.loadCore().then((r) => { outcome = { ok: true, r }; }, (e) => { outcome = { ok: false, e }; });
    // Within a second, not after the boot page's 10 s of retries.
    await rt.advance(1000);
    expect(outcome).not.toBeNull();
    expect(outcome.ok).toBe(false);
    const err = outcome.e;
    expect(err.code).toBe('no_engine');
    expect(err.message).not.toMatch(/\[object Object\]/);
    expect(err.message).toContain(ERRMSG);
    expect(err.message).toContain('fallback/core-js.js');
    const last = loader.lastLoad();
    expect(err.message).toContain(`the core did not load: ${last.reason}`);
    expect(last).toMatchObject({ engine: 'none', path: null, loader: null, error: err.message });
    expect(last.reason).toMatch(client.reason);
    expect(last.error).toContain(ERRMSG);
    expect(last.error).toContain('fallback/core-js.js');
    // The boot page got one try, which failed the same way.
    expect(navigations(rt).slice(navigationsBefore)).toEqual([['navigateTo', BOOT_URL, `navigateTo:fail ${REASON}`]]);
    expect(last.error).toContain(`boot page: navigateTo:fail ${REASON}`);
    expect(rt.log.requireAsync.slice(-2).map((r) => [r.path, r.ok, r.error])).toEqual([
      ['fallback/core-js.js', false, ERRMSG], ['fallback/glue-js.js', false, ERRMSG],
    ]);
    expect(rt.now - t0).toBeLessThanOrEqual(1000);
    expect(rt.errors).toEqual([]);
    rt.dispose();
  });

  test('the app shows the fatal page with the reason right away', async () => {
    const rt = runtime(client.scenario);
    await rt.launch();
    await rt.advance(500);
    const page = JSON.parse(JSON.stringify(rt.page.data));
    expect(page.route).toBe('fatal');
    expect(page.message).toContain(ERRMSG);
    expect(page.message).not.toMatch(/\[object Object\]/);
    expect(rt.app.host.failure).not.toBeNull();
    const errors = rt.log.console.filter((l) => l.level === 'error').map((l) => l.text);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(ERRMSG);
    expect(navigations(rt)).toEqual([['navigateTo', BOOT_URL, `navigateTo:fail ${REASON}`]]);
    expect(rt.errors).toEqual([]);
    rt.dispose();
  });
});

describe('the boot page still serves clients without require.async', () => {
  test('WeCom iOS 3.1.8 (no WXWebAssembly, no require.async): the engine arrives through the boot page', async () => {
    const backend = createBackend();
    const rt = createRuntime({
      packageDir: PKG,
      forwardConsole: false,
      scenario: { flavour: 'old', platform: 'ios', clientVersion: '3.1.8', externalUserId: data.WECHAT_ID, chatId: data.CHAT_ID, backend: (req) => backend.handle(req) },
    });
    await rt.launch();
    expect(rt.require('shell/core-loader.js').lastLoad()).toMatchObject({ engine: 'js', loader: 'boot-page', error: null });
    expect(rt.log.requireAsync).toEqual([]);
    rt.dispose();
  });

  test('… which retries a failed navigateTo (its only way in), then says why', async () => {
    const rt = runtime({ flavour: 'old', platform: 'ios', clientVersion: '3.1.8' });
    const loader = rt.require('shell/core-loader.js');
    await rt.launch();
    await rt.advance(5000);
    expect(loader.lastLoad()).toBeNull(); // still trying
    await rt.advance(6000); // 100 tries, 100 ms apart
    const last = loader.lastLoad();
    expect(last).toMatchObject({ engine: 'none', loader: null });
    expect(last.error).toContain(`boot page: navigateTo:fail ${REASON} (gave up after 100 tries)`);
    expect(last.error).toContain('this client has no require.async');
    expect(navigations(rt).length).toBe(100);
    rt.dispose();
  });
});
