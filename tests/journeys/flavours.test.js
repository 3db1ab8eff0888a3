/** @jest-environment jsdom */
// The same journey renders identically on every engine and client flavour.
'use strict';
const harness = require('./harness');

afterEach(() => require('../../tools/runtime').disposeAll());

async function journey(flavour) {
  const texts = [];
  const { rt } = await harness.launch({ flavour });
  texts.push(rt.text());
  await rt.tap('#edit');
  await rt.input('#input-remark', '老客户 👍');
  texts.push(rt.text());
  await rt.tap('#save');
  texts.push(rt.text());
  await rt.tap('#compose');
  await rt.input('#input-composer-text', '{name}您好');
  await rt.tap('#send');
  texts.push(rt.text());
  const sent = rt.log.qy.filter((c) => c.api === 'sendChatMessage').map((c) => c.args);
  return { texts, sent, engine: rt.app.host.engine, errors: rt.errors };
}

test('android, ios, old and broken clients render the same journey identically', async () => {
  const base = await journey('android');
  expect(base.engine).toBe('wasm');
  expect(base.errors).toEqual([]);
  expect(base.sent).toHaveLength(1);
  expect(JSON.stringify(base.sent[0])).toContain('陈晓明您好');
  for (const flavour of ['ios', 'old', 'broken']) {
    const other = await journey(flavour);
    expect(other.errors).toEqual([]);
    expect(other.engine).toBe(flavour === 'ios' ? 'wasm' : 'js');
    expect(other.texts).toEqual(base.texts);
    // enterChat is offered on phones; the args match the platform's caps.
    expect(other.sent.map((a) => a.text)).toEqual(base.sent.map((a) => a.text));
  }
});
