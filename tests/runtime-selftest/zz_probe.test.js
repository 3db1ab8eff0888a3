/** @jest-environment jsdom */
const { createRuntime } = require('../runtime');
const { makeFixture, run } = require('./helpers');
test('probe', async () => {
  const rt = createRuntime({ packageDir: makeFixture(), forwardConsole: false });
  await rt.launch();
  console.log(rt.dom().outerHTML);
  console.log(JSON.stringify(rt.page.data), rt.warnings, rt.errors);
  run(rt, 'getCurrentPages()[0].setData({"contacts[1].name": "Q"})');
  console.log(JSON.stringify(rt.page.data));
});
