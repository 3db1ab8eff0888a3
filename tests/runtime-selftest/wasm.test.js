'use strict';
// WXWebAssembly: package paths only, .br (base library >= 2.14.0), iOS Global rejection, old and broken
// flavours, none below base library 2.13.0.
const { fixtureRuntimes, run } = require('./helpers');

const { mk } = fixtureRuntimes();

/** Instantiate from inside the logic layer; returns { ok, err, value, logged } after settle. */
async function inst(rt, argExpr) {
  run(rt, `
    globalThis.out = {};
    WXWebAssembly.instantiate(${argExpr}, { env: { log: (x) => { out.logged = x } } })
      .then((r) => { out.ok = true; out.value = r.instance.exports.f(); out.keys = Object.keys(r).sort().join(',') },
            (e) => { out.ok = false; out.err = e.message; out.isError = e instanceof Error });
  `);
  await rt.settle();
  return run(rt, 'out');
}

test('android: instantiates a package path (leading slash optional) and .wasm.br', async () => {
  const rt = mk();
  expect(await inst(rt, '"/wasm/plain.wasm"')).toEqual({ ok: true, value: 42, logged: 7, keys: 'instance,module' });
  expect(await inst(rt, '"wasm/plain.wasm"')).toMatchObject({ ok: true, value: 42 });
  expect(await inst(rt, '"/wasm/plain.wasm.br"')).toMatchObject({ ok: true, value: 42 });
  expect(await inst(rt, '"/wasm/global.wasm"')).toMatchObject({ ok: true, value: 42 }); // Globals are fine on Android
  expect(rt.log.wasmInstantiations).toBe(4);
  expect(rt.log.wasm.map((e) => [e.path, e.ok])).toEqual([
    ['/wasm/plain.wasm', true], ['wasm/plain.wasm', true], ['/wasm/plain.wasm.br', true], ['/wasm/global.wasm', true]]);
  expect(rt.errors).toEqual([]);
});

test('only string package paths to .wasm/.wasm.br files are accepted', async () => {
  const rt = mk();
  const bytes = await inst(rt, 'new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])');
  expect(bytes).toMatchObject({ ok: false, isError: true });
  expect(bytes.err).toMatch(/must be a string path/);
  expect((await inst(rt, '"https://example.com/core.wasm"')).err).toMatch(/URLs are not supported/);
  expect((await inst(rt, '"/wasm/missing.wasm"')).err).toMatch(/file not found/);
  expect((await inst(rt, '"/wasm/notes.txt"')).err).toMatch(/must end in \.wasm or \.wasm\.br/);
  expect((await inst(rt, '"../../etc/x.wasm"')).err).toMatch(/escapes the code package/);
  expect(run(rt, 'typeof WXWebAssembly.compile + "," + typeof WXWebAssembly.validate')).toBe('undefined,undefined');
  expect(rt.log.wasmInstantiations).toBe(0);
  expect(rt.log.wasm).toHaveLength(5);
});

test('ios: a module exporting a Global is rejected, naming the Global', async () => {
  const rt = mk({ flavour: 'ios' });
  const r = await inst(rt, '"/wasm/global.wasm"');
  expect(r.ok).toBe(false);
  expect(r.err).toMatch(/iOS does not support exported Global "g"/);
  expect(await inst(rt, '"/wasm/plain.wasm"')).toMatchObject({ ok: true, value: 42 });
  expect(run(rt, 'wx.getSystemInfoSync().platform')).toBe('ios');
});

test('old: no WXWebAssembly at all; broken: it exists but instantiate rejects', async () => {
  const old = mk({ flavour: 'old' });
  expect(run(old, 'typeof WXWebAssembly')).toBe('undefined');
  expect(run(old, 'typeof WebAssembly')).toBe('undefined');
  expect(run(old, 'wx.getSystemInfoSync().SDKVersion')).toBe('2.12.3');
  const broken = mk({ flavour: 'broken' });
  expect(run(broken, 'typeof WXWebAssembly.instantiate')).toBe('function');
  const r = await inst(broken, '"/wasm/plain.wasm"');
  expect(r).toMatchObject({ ok: false, isError: true });
  expect(r.err).toMatch(/broken client/);
});

test("wasmFeatures 'mvp': modules using multi-value / reference types are rejected", async () => {
  const { wasmPostMvp } = require('./helpers');
  expect(WebAssembly.validate(wasmPostMvp())).toBe(true);
  const rt = mk({ wasmFeatures: 'mvp' });
  expect(await inst(rt, '"/wasm/plain.wasm"')).toMatchObject({ ok: true, value: 42 });
  const r = await inst(rt, '"/wasm/postmvp.wasm"');
  expect(r.ok).toBe(false);
  expect(r.err).toMatch(/supports only MVP WebAssembly/);
  expect(r.err).toMatch(/multi-value \(a function type returns 2 values\)/);
  expect(r.err).toMatch(/reference types \(2 tables\)/);
});

test('below base library 2.14.0 .wasm.br is rejected (plain .wasm works); below 2.13.0 no WXWebAssembly at all', async () => {
  for (const [flavour, sdkVersion] of [['android', '2.13.0'], ['ios', '2.13.9']]) {
    const rt = mk({ flavour, sdkVersion });
    const br = await inst(rt, '"/wasm/plain.wasm.br"');
    expect(br).toMatchObject({ ok: false, isError: true });
    expect(br.err).toBe(`WXWebAssembly.instantiate: .wasm.br needs base library 2.14.0 or later (this client has ${sdkVersion}): "/wasm/plain.wasm.br"`);
    expect(await inst(rt, '"/wasm/plain.wasm"')).toMatchObject({ ok: true, value: 42 });
    expect(rt.log.wasm.map((e) => [e.path, e.ok])).toEqual([['/wasm/plain.wasm.br', false], ['/wasm/plain.wasm', true]]);
  }
  expect(await inst(mk({ sdkVersion: '2.14.0' }), '"/wasm/plain.wasm.br"')).toMatchObject({ ok: true, value: 42 });
  for (const flavour of ['android', 'ios', 'broken']) {
    expect(run(mk({ flavour, sdkVersion: '2.12.9' }), 'typeof WXWebAssembly')).toBe('undefined');
  }
});
