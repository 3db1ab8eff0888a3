/** @jest-environment jsdom */
// The built core's boundary, from inside the mini-program logic layer (no
// WebAssembly, TextDecoder or eval in scope): every exported method gets
// garbage, each call fails with an Error carrying a code, and the handle keeps
// working. A trap is survived by rebuilding from the last snapshot.
'use strict';
const vm = require('vm');
const path = require('path');
const { createRuntime, disposeAll } = require('../tools/runtime');

afterEach(() => disposeAll());

async function loadCore() {
  const rt = createRuntime({ packageDir: path.resolve(__dirname, '../miniprogram'), forwardConsole: false });
  const loader = rt.require('shell/core-loader.js');
  const pending = loader.loadCore();
  await rt.settle();
  const { Core, engine } = await pending;
  return { rt, Core, engine };
}

const CONFIG = { backendUrl: 'https://api.example.com', locale: 'en' };
const LAUNCH = { type: 'launch', now: 1, systemInfo: { environment: 'wxwork', platform: 'android' }, hasQy: true };

test('the sandbox really lacks WebAssembly, TextDecoder and eval', async () => {
  const { rt, engine } = await loadCore();
  expect(engine).toBe('wasm');
  expect(vm.runInContext('typeof WebAssembly', rt.context)).toBe('undefined');
  expect(vm.runInContext('typeof TextDecoder', rt.context)).toBe('undefined');
  expect(vm.runInContext('typeof TextEncoder', rt.context)).toBe('undefined');
  expect(() => vm.runInContext('eval("1")', rt.context)).toThrow();
});

test('garbage into every exported method: a coded Error each time, and the handle keeps working', async () => {
  const { Core } = await loadCore();
  const core = new Core(CONFIG);
  const huge = 'x'.repeat(5 * 1024 * 1024);
  const cyclic = {};
  cyclic.self = cyclic;
  const garbage = [undefined, null, 42, true, 'not json', '{"type":"nope"}', '{"type":"show","now":"x"}', [], cyclic, huge, { type: 'launch' }];
  const codeOf = (fn) => {
    try {
      fn();
    } catch (err) {
      expect(err && typeof err.message).toBe('string');
      return err.code;
    }
    return 'NO ERROR';
  };
  for (const g of garbage) {
    expect(['bad_event', 'too_large']).toContain(codeOf(() => core.dispatch(g)));
  }
  for (const g of [undefined, null, 1, 'nope', '{}', '{"backendUrl":"ftp://x"}', cyclic, huge]) {
    expect(['bad_config', 'too_large']).toContain(codeOf(() => new Core(g)));
  }
  for (const g of [undefined, null, 7, {}, '', '{', '[]', '{"version":1}', '{"version":999,"model":{}}', huge]) {
    expect(['bad_snapshot', 'snapshot_too_new', 'too_large']).toContain(codeOf(() => Core.restore(g)));
  }
  // Extra arguments to the read-only methods are ignored, not a crash.
  expect(() => core.view(garbage)).not.toThrow();
  expect(typeof core.snapshot(garbage)).toBe('string');
  expect(core.noop(huge)).toBe(0);
  // And the handle still works.
  const effects = core.dispatch(LAUNCH);
  expect(effects.some((e) => e.kind === 'render')).toBe(true);
  expect(effects.some((e) => e.kind === 'qy' && e.api === 'login')).toBe(true);
  expect(core.view().route).toBe('loading');
});

test('values reaching JS never contain undefined', async () => {
  const { Core } = await loadCore();
  const core = new Core(CONFIG);
  const effects = core.dispatch(LAUNCH);
  const walk = (v, where) => {
    expect(v).not.toBeUndefined();
    if (v && typeof v === 'object') for (const k of Object.keys(v)) walk(v[k], `${where}.${k}`);
  };
  walk(effects, 'effects');
  walk(core.view(), 'view');
});

test('a snapshot restores into a fresh instance', async () => {
  const first = await loadCore();
  const core = new first.Core(CONFIG);
  core.dispatch(LAUNCH);
  const snap = core.snapshot();
  const second = await loadCore();
  const back = second.Core.restore(snap);
  expect(JSON.stringify(back.view())).toBe(JSON.stringify(core.view()));
});

test('a trap is survived: the host rebuilds the core from the last snapshot', async () => {
  const { createBackend, data } = require('../tools/fixtures/backend.js');
  const backend = createBackend();
  const rt = createRuntime({
    packageDir: path.resolve(__dirname, '../miniprogram'),
    forwardConsole: false,
    scenario: { entry: 'single_chat_tools', externalUserId: data.WECHAT_ID, backend: (req) => backend.handle(req) },
  });
  const { CoreHost } = rt.require('shell/core-host.js');
  const loader = rt.require('shell/core-loader.js');
  let loads = 0;
  let trapNext = false;
  const wrap = (c) => ({
    dispatch(e) {
      if (trapNext) {
        trapNext = false;
        throw new Error('unreachable'); // what a wasm trap looks like: no code
      }
      return c.dispatch(e);
    },
    view: () => c.view(),
    snapshot: () => c.snapshot(),
  });
  const loadCore = () =>
    loader.loadCore().then(({ Core, engine }) => {
      loads += 1;
      const Wrapped = function Wrapped(config) {
        return wrap(new Core(config));
      };
      Wrapped.restore = (s) => wrap(Core.restore(s));
      return { Core: Wrapped, engine };
    });
  const host = new CoreHost({ config: { backendUrl: 'https://api.example.com', locale: 'en' }, wx: rt.wx, loadCore });
  let pageData = {};
  const page = { setData: (patch) => { pageData = Object.assign({}, pageData, patch); } };
  host.attach(page);
  host.start();
  await rt.settle();
  expect(host.core.view().route).toBe('card');
  host.dispatch({ type: 'tap', action: 'edit', arg: null, now: 2 });
  host.dispatch({ type: 'input', field: 'remark', value: 'before the trap', index: null, now: 3 });

  trapNext = true;
  host.dispatch({ type: 'input', field: 'remark', value: 'lost in the trap', index: null, now: 4 });
  host.dispatch({ type: 'input', field: 'remark', value: 'queued while rebuilding', index: null, now: 5 });
  await rt.settle();
  expect(loads).toBe(2);
  expect(host.traps).toBe(1);
  const view = host.core.view();
  expect(view.route).toBe('card');
  expect(view.form.values.remark).toBe('queued while rebuilding');
  expect(pageData.route).toBe('card');

  // Past the snapshot interval: snapshot plus journal replay.
  for (let i = 0; i < 40; i++) host.dispatch({ type: 'input', field: 'remark', value: `v${i}`, index: null, now: 10 + i });
  expect(host.snapshot).not.toBeNull();
  expect(host.journal.length).toBeLessThan(25);
  expect(host.journal.length).toBeGreaterThan(0);
  trapNext = true;
  host.dispatch({ type: 'input', field: 'remark', value: 'lost again', index: null, now: 99 });
  await rt.settle();
  expect(loads).toBe(3);
  expect(host.core.view().form.values.remark).toBe('v39');
  expect(rt.errors).toEqual([]);
});
