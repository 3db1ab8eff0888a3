/** @jest-environment jsdom */
// The kit as another team gets it: `make package`'s tarball (scripts/package.js),
// `npm install`ed into a blank project, placed by its install step
// (package/bin/install.js), and run in the headless WeCom runtime from a blank
// mini program of our own, on a wasm client and on one without WXWebAssembly.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync, spawnSync } = require('child_process');
const { createRuntime, disposeAll } = require('../tools/runtime');
const { createBackend, data } = require('../tools/fixtures/backend.js');

const ROOT = path.resolve(__dirname, '..');
jest.setTimeout(180000);

let tmp;
let tgz;
let project;

/** A blank mini program that uses only what the package installs. */
function writeBlankMiniprogram(dir) {
  const w = (rel, text) => {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  };
  w('app.json', `${JSON.stringify({ pages: ['pages/main/main'] }, null, 2)}\n`);
  w('app.js', `
const { CoreHost } = require('./wecom-contact-core/shell/core-host.js');
const { loadCore } = require('./wecom-contact-core/shell/core-loader.js');
App({
  onLaunch() {
    this.host = new CoreHost({ config: { backendUrl: 'https://api.example.com' }, wx, loadCore });
    this.ready = this.host.start();
  },
  onShow() { if (this.host) this.host.dispatch({ type: 'show', now: Date.now() }); },
  onHide() { if (this.host) this.host.dispatch({ type: 'hide', now: Date.now() }); },
});
`);
  w('pages/main/main.js', `
const initialView = require('../../wecom-contact-core/core/initial-view.js');
Component({
  data: Object.assign({}, initialView),
  methods: {
    onLoad() { getApp().host.attach(this); },
    onUnload() { getApp().host.detach(this); },
    onAction(e) { getApp().host.dispatch({ type: 'tap', action: e.detail.action, arg: e.detail.arg === undefined ? null : e.detail.arg, now: Date.now() }); },
    onChange(e) { getApp().host.dispatch({ type: 'input', field: e.detail.field, value: String(e.detail.value === undefined ? '' : e.detail.value), index: e.detail.index === undefined ? null : e.detail.index, now: Date.now() }); },
  },
});
`);
  w('pages/main/main.json', `${JSON.stringify({ usingComponents: { 'customer-card': '/wecom-contact-core/components/customer-card/customer-card' } })}\n`);
  w('pages/main/main.wxml', `<view id="route">{{route}}</view>
<customer-card id="customer-card" wx:if="{{route === 'card' && card}}" card="{{card}}" form="{{form}}" form-message="{{formMessage}}"
  pending-saves="{{pendingSaves}}" tag-picker="{{tagPicker}}" tag-picker-label="{{tagPickerLabel}}" bind:action="onAction" bind:change="onChange" />
`);
}

function runInstall(args, cwd = project) {
  return spawnSync(process.execPath, [path.join(project, 'node_modules/.bin/wecom-contact-core-install'), ...args], { cwd, encoding: 'utf8' });
}

function snapshotTree(dir) {
  const out = {};
  const walk = (d, base) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const rel = base ? `${base}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path.join(d, e.name), rel);
      else out[rel] = fs.readFileSync(path.join(d, e.name)).toString('base64');
    }
  };
  walk(dir, '');
  return out;
}

/** The blank mini program at `dir` in the headless runtime, opened from a customer chat. */
async function launchBlank(dir, flavour) {
  const backend = createBackend();
  const rt = createRuntime({
    packageDir: dir,
    forwardConsole: false,
    scenario: { flavour, entry: 'single_chat_tools', externalUserId: data.WECHAT_ID, chatId: data.CHAT_ID, backend: (req) => backend.handle(req) },
  });
  await rt.launch();
  return { rt, backend };
}

beforeAll(() => {
  const lines = execFileSync(process.execPath, [path.join(ROOT, 'scripts/package.js')], { cwd: ROOT, encoding: 'utf8' }).trim().split('\n');
  tgz = lines[lines.length - 1];
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wcc-package-'));
  project = path.join(tmp, 'blank');
  fs.mkdirSync(project);
  fs.writeFileSync(path.join(project, 'package.json'), '{"name":"blank-app","private":true}\n');
  fs.writeFileSync(path.join(project, 'project.config.json'), '{"miniprogramRoot":"miniprogram/","compileType":"miniprogram"}\n');
  writeBlankMiniprogram(path.join(project, 'miniprogram'));
  execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', tgz], { cwd: project, stdio: 'pipe' });
});

afterAll(() => {
  disposeAll();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

afterEach(() => disposeAll());

test('the tarball holds the kit, its types, the typings and the install step, and nothing of the repository', () => {
  const files = execFileSync('tar', ['-tzf', tgz], { encoding: 'utf8' }).trim().split('\n').map((f) => f.replace(/^package\//, ''));
  for (const f of ['package.json', 'README.md', 'bin/install.js', 'typings/wx-qy.d.ts', 'miniprogram_dist/core/core.wasm.br',
    'miniprogram_dist/core/glue.js', 'miniprogram_dist/core/types.d.ts', 'miniprogram_dist/core/glue.d.ts',
    'miniprogram_dist/shell/core-host.js', 'miniprogram_dist/shell/core-loader.js', 'miniprogram_dist/fallback/core-js.js',
    'miniprogram_dist/fallback/pages/engine/engine.js', 'miniprogram_dist/components/customer-card/customer-card.wxml']) {
    expect(files).toContain(f);
  }
  expect(files.filter((f) => /(^|\/)(src|tests|server|pages\/index|config\.js$)|\.rs$/.test(f))).toEqual([]);
  const pkg = JSON.parse(fs.readFileSync(path.join(project, 'node_modules/wecom-contact-core/package.json'), 'utf8'));
  const cargo = /^version = "(.+)"$/m.exec(fs.readFileSync(path.join(ROOT, 'Cargo.toml'), 'utf8'))[1];
  expect(pkg.version).toBe(cargo);
  expect(pkg.miniprogram).toBe('miniprogram_dist');
  // No secret of any kind travels with it.
  const all = files.filter((f) => /\.(js|json|md|ts)$/.test(f))
    .map((f) => fs.readFileSync(path.join(project, 'node_modules/wecom-contact-core', f), 'utf8')).join('\n');
  expect(all).not.toMatch(/agent-secret|contact-secret|EncodingAESKey\s*[:=]\s*['"][A-Za-z0-9]{43}/);
});

test('installed into a blank mini program, a rep edits a remark on the wasm engine and the backend gets it', async () => {
  const first = runInstall([]);
  expect(first.stderr).toBe('');
  expect(first.status).toBe(0);
  expect(first.stdout).toMatch(/copied \d+ files into miniprogram\/wecom-contact-core\//);
  const mp = path.join(project, 'miniprogram');
  const app = JSON.parse(fs.readFileSync(path.join(mp, 'app.json'), 'utf8'));
  expect(app.subPackages).toEqual([{ root: 'wecom-contact-core/fallback', pages: ['pages/engine/engine'] }]);
  expect(app.pages).toEqual(['pages/main/main']);

  // Idempotent: a second run changes nothing.
  const before = snapshotTree(mp);
  const again = runInstall([]);
  expect(again.status).toBe(0);
  expect(again.stdout).toContain('already declared');
  expect(snapshotTree(mp)).toEqual(before);

  const { rt, backend } = await launchBlank(mp, 'android');
  expect(rt.page.data.route).toBe('card');
  expect(rt.app.host.engine).toBe('wasm');
  expect(rt.log.wasmInstantiations).toBeGreaterThan(0);
  expect(rt.log.wasm.map((w) => w.path)).toContain("/wecom-contact-core/core/core.wasm.br");
  expect(rt.page.data.card.customer.name).toBe("陈晓明");
  expect(rt.text()).toContain("陈晓明");
  expect(rt.text()).toContain('+ 打标签'); // the component reads its words from the core's view
  await rt.tap('#edit');
  await rt.input('#input-remark', '包里来的备注');
  await rt.tap('#save');
  await rt.settle();
  expect(backend.writes.map((w) => w.body.remark)).toEqual(['包里来的备注']);
  expect(rt.page.data.card.mine.remark).toBe('包里来的备注');
  expect(rt.errors).toEqual([]);
});

test('on a client without WXWebAssembly the installed JS engine subpackage runs the same journey', async () => {
  expect(runInstall([]).status).toBe(0);
  const mp = path.join(project, 'miniprogram');
  const { rt, backend } = await launchBlank(mp, 'old');
  expect(rt.app.host.engine).toBe('js');
  expect(rt.log.requireAsync.filter((r) => r.ok).map((r) => r.subpackage)).toContain('wecom-contact-core/fallback');
  expect(rt.page.data.route).toBe('card');
  await rt.tap('#edit');
  await rt.input('#input-remark', '旧客户端');
  await rt.tap('#save');
  await rt.settle();
  expect(backend.writes.map((w) => w.body.remark)).toEqual(['旧客户端']);
  expect(rt.errors).toEqual([]);
});

describe('the install step refuses, with one clear line and nothing written', () => {
  test('a folder without app.json', () => {
    const empty = fs.mkdtempSync(path.join(tmp, 'empty-'));
    const r = runInstall([empty]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/is not a mini program: it has no app\.json/);
    expect(fs.readdirSync(empty)).toEqual([]);
  });

  test('an app.json that is not JSON', () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'badjson-'));
    fs.writeFileSync(path.join(dir, 'app.json'), '{ pages: ');
    const r = runInstall([dir]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/app\.json is not JSON/);
    expect(fs.readdirSync(dir)).toEqual(['app.json']);
  });

  test('a folder of the app the installer did not write', () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'taken-'));
    fs.writeFileSync(path.join(dir, 'app.json'), '{"pages":["pages/a/a"]}');
    fs.mkdirSync(path.join(dir, 'wecom-contact-core'));
    fs.writeFileSync(path.join(dir, 'wecom-contact-core', 'mine.js'), '// the team\'s own file');
    const r = runInstall([dir]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/was not written by wecom-contact-core-install; pass --dir/);
    expect(fs.readdirSync(path.join(dir, 'wecom-contact-core'))).toEqual(['mine.js']);
    expect(fs.readFileSync(path.join(dir, 'app.json'), 'utf8')).toBe('{"pages":["pages/a/a"]}');
  });

  test.each([['../outside'], ['/abs'], ['a b'], ['miniprogram_npm/x'], ['']])('--dir %j', (dir) => {
    const r = runInstall(['--dir', dir, path.join(project, 'miniprogram')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--dir must/);
  });

  test('an unknown option', () => {
    const r = runInstall(['--frobnicate']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown option --frobnicate/);
  });
});

test('--dir places the kit elsewhere and the manifest follows; --no-js-engine takes the subpackage out again', async () => {
  const dir = fs.mkdtempSync(path.join(tmp, 'custom-'));
  writeBlankMiniprogram(dir);
  // The blank app requires ./wecom-contact-core/…; point it at the chosen folder.
  for (const f of ['app.js', 'pages/main/main.js', 'pages/main/main.json']) {
    const p = path.join(dir, f);
    fs.writeFileSync(p, fs.readFileSync(p, 'utf8').replace(/wecom-contact-core\//g, 'vendor/wcc/'));
  }
  const r = runInstall(['--dir', 'vendor/wcc', dir]);
  expect(r.status).toBe(0);
  const manifest = require(path.join(dir, 'vendor/wcc/core/manifest.js'));
  expect(manifest.root).toBe('/vendor/wcc/');
  expect(manifest.wasmBr).toBe('/vendor/wcc/core/core.wasm.br');
  expect(JSON.parse(fs.readFileSync(path.join(dir, 'app.json'), 'utf8')).subPackages).toEqual([{ root: 'vendor/wcc/fallback', pages: ['pages/engine/engine'] }]);

  const { rt } = await launchBlank(dir, 'old');
  expect(rt.app.host.engine).toBe('js');
  expect(rt.page.data.route).toBe('card');
  expect(rt.errors).toEqual([]);

  const off = runInstall(['--dir', 'vendor/wcc', '--no-js-engine', dir]);
  expect(off.status).toBe(0);
  expect(fs.existsSync(path.join(dir, 'vendor/wcc/fallback'))).toBe(false);
  expect(JSON.parse(fs.readFileSync(path.join(dir, 'app.json'), 'utf8')).subPackages).toEqual([]);
  expect(fs.existsSync(path.join(dir, 'vendor/wcc/core/core.wasm.br'))).toBe(true);
});
