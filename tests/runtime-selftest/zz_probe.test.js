/** @jest-environment jsdom */
const { createRuntime } = require('../runtime');
const { makeFixture, run } = require('./helpers');
test('probe', async () => {
  const rt = createRuntime({ packageDir: makeFixture(), forwardConsole: false });
  rt.appJson = rt.render.readJson('app.json');
  rt.render.start();
  rt.logic.load('app.js');
  const id = rt.render.register('pages/index/index', 'page', 'page');
  const simulate = require('miniprogram-simulate');
  const c = simulate.render(id, {});
  const n = () => (c.dom.outerHTML.match(/contact-item/g) || []).length;
  console.log('after render', n());
  const exparser = require('miniprogram-exparser');
  const data = exparser.Component.getDataProxy(c._exparserNode);
  console.log(Object.keys(c._exparserNode.__templateInstance), typeof c._exparserNode.__templateInstance._generateFunc);
  const ti = c._exparserNode.__templateInstance;
  const vt = ti._generateFunc({ data: ti.data });
  console.log(JSON.stringify(ti.data.contacts), vt.children.map(x => x.tagName + ':' + x.children.length).join(' '));
  const orig = ti.updateValues; ti.updateValues = function (node, data, ...r) { console.log('UV', JSON.stringify(data.contacts), Object.keys(data).join(',')); const v = this._generateFunc({data}); console.log(v.children.map(x => x.tagName + ':' + x.children.length).join(' ')); return orig.call(this, node, data, ...r); };
  c.instance.setData({ count: 3 });
  console.log('after setData', n());
});
