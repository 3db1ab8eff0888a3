// scripts/mp-ci.js (make preview / make upload) fails with one clear line,
// before loading miniprogram-ci, when the key or the appid is missing.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');

const script = path.join(__dirname, '..', 'scripts', 'mp-ci.js');
function run(args, env) {
  const clean = { ...process.env };
  for (const k of Object.keys(clean)) if (k.startsWith('WCC_MP_')) delete clean[k];
  return spawnSync(process.execPath, [script, ...args], { env: { ...clean, ...env }, encoding: 'utf8' });
}

test('preview without WCC_MP_PRIVATE_KEY names the variable and exits 1', () => {
  const res = run(['preview'], {});
  expect(res.status).toBe(1);
  expect(res.stderr.trim()).toBe(
    'mp-ci: WCC_MP_PRIVATE_KEY is not set: set it to the path of the upload private key (see README, "To a real phone")',
  );
});

test('upload with a key path that does not exist says so', () => {
  const res = run(['upload'], { WCC_MP_PRIVATE_KEY: '/nonexistent/private.key' });
  expect(res.status).toBe(1);
  expect(res.stderr.trim()).toBe('mp-ci: WCC_MP_PRIVATE_KEY is /nonexistent/private.key, which does not exist');
});

test('the tourist appid is refused with the place a real one goes', () => {
  const key = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'wcc-mpci-')), 'private.key');
  fs.writeFileSync(key, 'not a key');
  const res = run(['preview'], { WCC_MP_PRIVATE_KEY: key, WCC_MP_APPID: 'touristappid' });
  expect(res.status).toBe(1);
  expect(res.stderr).toMatch(/^mp-ci: no real appid: set WCC_MP_APPID or "appid" in miniprogram\/project.config.json/);
});

test('an unknown action prints the usage', () => {
  const res = run(['publish'], {});
  expect(res.status).toBe(1);
  expect(res.stderr.trim()).toBe('mp-ci: usage: node scripts/mp-ci.js preview|upload');
});
