/** @jest-environment jsdom */
'use strict';
// The page renders the same markup with the official WXML compiler (used by
// the other tests here) and with j-component's pure-JS template engine (used
// by the headless runtime in tools/runtime), for every real view.

const path = require('path');

const ROOT = path.resolve(__dirname, '../../miniprogram');
const ROUTES = ['loading', 'notice', 'card', 'group', 'compose', 'home'];

/** The page's DOM for a view, with class prefixes dropped and attributes sorted. */
function renderWith(compiler, view) {
  let html = null;
  // A fresh simulator per load: one path cannot be loaded twice in one registry.
  jest.isolateModules(() => {
    const simulate = require('miniprogram-simulate');
    const host = {
      attach(page) {
        page.setData(JSON.parse(JSON.stringify(view)));
      },
      detach() {},
      dispatch() {},
    };
    global.getApp = () => ({ host });
    const id = simulate.load(path.join(ROOT, 'pages/index/index'), { rootPath: ROOT, compiler });
    const page = simulate.render(id);
    page.attach(document.createElement('parent-wrapper'));
    page.instance.onLoad();
    html = page.dom.innerHTML
      .replace(/class="[^"]*"/g, (m) => m.replace(/[a-z]+--/g, ''))
      .replace(/<([a-z-]+)((?: [a-z-]+="[^"]*")*)>/g, (m, tag, attrs) => `<${tag}${(attrs.match(/ [a-z-]+="[^"]*"/g) || []).sort().join('')}>`);
  });
  return html;
}

const warn = console.warn;
beforeAll(() => {
  jest.spyOn(console, 'warn').mockImplementation((...args) => {
    if (/wx:key/.test(String(args[0]))) return;
    warn(...args);
  });
});
afterAll(() => {
  console.warn.mockRestore();
  delete global.getApp;
});

test.each(ROUTES)('%s renders the same with both template compilers', (route) => {
  const view = require(`./views/${route}.json`);
  const official = renderWith('official', view);
  expect(official).toContain(view.title);
  expect(renderWith('simulate', view)).toBe(official);
});
