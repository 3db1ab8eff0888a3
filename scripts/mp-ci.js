#!/usr/bin/env node
// `make preview` / `make upload`: the mini program (miniprogram/, after
// `make build`) to WeChat's servers with miniprogram-ci, the npm package of
// DevTools' uploader.
//
//   WCC_MP_PRIVATE_KEY  path of the upload key (mp.weixin.qq.com → 开发管理 →
//                       开发设置 → 小程序代码上传密钥); required
//   WCC_MP_APPID        the WeCom-bound appid; defaults to project.config.json's
//   WCC_MP_VERSION      upload only: the version; required
//   WCC_MP_DESC         upload only: the description
//
// miniprogram-ci is not a devDependency (it is large and `npm ci` would slow
// every test run); it is loaded only here: `npm install --no-save miniprogram-ci`.
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const projectPath = path.join(root, 'miniprogram');

function fail(msg) {
  console.error(`mp-ci: ${msg}`);
  process.exit(1);
}

function settings(env) {
  const keyPath = env.WCC_MP_PRIVATE_KEY;
  if (!keyPath) fail('WCC_MP_PRIVATE_KEY is not set: set it to the path of the upload private key (see README, "To a real phone")');
  if (!fs.existsSync(keyPath)) fail(`WCC_MP_PRIVATE_KEY is ${keyPath}, which does not exist`);
  const project = JSON.parse(fs.readFileSync(path.join(projectPath, 'project.config.json'), 'utf8'));
  const appid = env.WCC_MP_APPID || project.appid;
  if (!appid || appid === 'touristappid') {
    fail('no real appid: set WCC_MP_APPID or "appid" in miniprogram/project.config.json to the WeCom-bound appid');
  }
  if (!fs.existsSync(path.join(projectPath, 'core', 'core.wasm.br'))) fail('miniprogram/core/ is not built: run `make build` first');
  return { keyPath, appid };
}

async function main() {
  const action = process.argv[2];
  if (action !== 'preview' && action !== 'upload') fail('usage: node scripts/mp-ci.js preview|upload');
  const { keyPath, appid } = settings(process.env);
  let ci;
  try {
    ci = require('miniprogram-ci');
  } catch {
    fail('miniprogram-ci is not installed: run `npm install --no-save miniprogram-ci`');
  }
  const project = new ci.Project({ appid, type: 'miniProgram', projectPath, privateKeyPath: keyPath, ignores: ['node_modules/**/*'] });
  const setting = { es6: true, minify: true };
  if (action === 'preview') {
    const qr = path.join(root, 'build', 'preview-qrcode.jpg');
    fs.mkdirSync(path.dirname(qr), { recursive: true });
    await ci.preview({ project, desc: process.env.WCC_MP_DESC || 'preview', setting, qrcodeFormat: 'image', qrcodeOutputDest: qr, onProgressUpdate: console.log });
    console.log(`mp-ci: preview QR code in ${path.relative(root, qr)} (scan it with WeCom)`);
  } else {
    const version = process.env.WCC_MP_VERSION;
    if (!version) fail('WCC_MP_VERSION is not set: set it to the version to upload (for example 1.0.0)');
    await ci.upload({ project, version, desc: process.env.WCC_MP_DESC || `wecom-contact-core ${version}`, setting, onProgressUpdate: console.log });
    console.log(`mp-ci: uploaded ${version}; submit it for review on mp.weixin.qq.com`);
  }
}

main().catch((e) => fail(e && e.message ? e.message : String(e)));
