#!/usr/bin/env node
// `make dev`: runs the built reference mini program in the headless WeCom
// runtime against the fixture backend, one scenario per entry, and prints
// what each page rendered. (The browser simulator will replace this.)
//
//   node scripts/dev.js [entry] [--platform=ios] [--client=3.1.2] [--offline] [--en]
'use strict';
const path = require('path');
const { JSDOM } = require('jsdom');

// The render layer (j-component) needs a DOM, as under jest's jsdom environment.
const dom = new JSDOM('<!doctype html><html><body></body></html>', { pretendToBeVisual: true });
for (const key of ['window', 'document', 'navigator', 'Node', 'Element', 'HTMLElement', 'Event', 'CustomEvent', 'MutationObserver', 'getComputedStyle']) {
  if (global[key] === undefined) global[key] = key === 'window' ? dom.window : dom.window[key];
}

const { createRuntime, disposeAll } = require('../tests/runtime');
const { createBackend, data } = require('../tests/fixtures/backend.js');

const args = process.argv.slice(2);
const flag = (name) => {
  const a = args.find((x) => x.startsWith(`--${name}`));
  if (!a) return undefined;
  const eq = a.indexOf('=');
  return eq < 0 ? true : a.slice(eq + 1);
};
const entries = args.filter((a) => !a.startsWith('--'));
const list = entries.length ? entries : ['single_chat_tools', 'group_chat_tools', 'chat_attachment', 'normal'];

async function run(entry) {
  const backend = createBackend();
  const rt = createRuntime({
    packageDir: path.resolve(__dirname, '../miniprogram'),
    forwardConsole: false,
    scenario: {
      entry,
      platform: flag('platform') || 'android',
      clientVersion: flag('client') || '4.1.36',
      network: !flag('offline'),
      externalUserId: data.WECHAT_ID,
      chatId: data.CHAT_ID,
      backend: (req) => backend.handle(req),
    },
  });
  await rt.launch();
  const view = JSON.parse(JSON.stringify(rt.page.data));
  console.log(`\n=== entry: ${entry}  →  route: ${view.route}  (engine: ${rt.app && rt.app.host ? rt.app.host.engine : '?'})`);
  console.log(`rendered: ${rt.text()}`);
  console.log(`wx.qy calls: ${rt.log.qy.map((c) => c.api).join(' → ')}`);
  console.log(`backend: ${backend.requests.map((r) => `${r.method} ${r.path}`).join(', ')}`);
  console.log(`setData: ${rt.log.setData.length} calls, ${rt.log.setData.reduce((n, s) => n + (s.bytes || 0), 0)} bytes`);
  if (rt.errors.length) {
    console.log(`errors: ${rt.errors.map((e) => e.message).join('; ')}`);
    process.exitCode = 1;
  }
}

(async () => {
  for (const entry of list) await run(entry);
  disposeAll();
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
