// Launches the built reference mini program in the headless WeCom runtime,
// with the fixture backend behind wx.request.
'use strict';
const path = require('path');
const { createRuntime } = require('../../tools/runtime');
const { createBackend, data } = require('../../tools/fixtures/backend.js');

const PACKAGE_DIR = path.resolve(__dirname, '../../miniprogram');

/** Flavours every journey runs on (issue 6 adds the fallback engine ones). */
const FLAVOURS = (process.env.WCC_FLAVOURS || 'android,ios,old,broken').split(',');

async function launch(scenario = {}, options = {}) {
  const backend = options.backend || createBackend(options.backendOptions);
  const rt = createRuntime({
    packageDir: PACKAGE_DIR,
    device: options.device,
    forwardConsole: false,
    scenario: Object.assign(
      {
        entry: 'single_chat_tools',
        externalUserId: data.WECHAT_ID,
        chatId: data.CHAT_ID,
        backend: (req) => backend.handle(req),
      },
      scenario,
    ),
  });
  await rt.launch();
  return { rt, backend };
}

/** The page's data, without the functions j-component adds. */
function view(rt) {
  return JSON.parse(JSON.stringify(rt.page.data));
}

module.exports = { launch, view, FLAVOURS, data, createBackend, PACKAGE_DIR };
