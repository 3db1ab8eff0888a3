/** @jest-environment jsdom */
'use strict';
// The page with the hand-over: home offers it (#open-handover), the handover route renders
// handover-view with the core's real view (./views/handover.json) and the way back home.
// (Its own file: miniprogram-simulate keeps one definition per component per file.)

const { quietWxKeyWarnings, copy, text, tap } = require('./helpers');

quietWxKeyWarnings();

const view = require('./views/handover.json');

describe('the page', () => {
  const fs = require('fs');
  const path = require('path');
  const { ROOT, views, simulate } = require('./helpers');
  let host = null;
  let pageId = null;
  beforeAll(() => {
    if (!fs.existsSync(path.join(ROOT, 'core/initial-view.js'))) {
      throw new Error('miniprogram/core/initial-view.js is missing: run `make build` before this test');
    }
    global.getApp = () => ({ host });
    pageId = simulate.load(path.join(ROOT, 'pages/index/index'), { rootPath: ROOT });
  });
  afterAll(() => {
    delete global.getApp;
  });
  function open(v) {
    host = { events: [], attach(p) { p.setData(copy(v)); }, detach() {}, dispatch(e) { host.events.push(e); } };
    const page = simulate.render(pageId);
    page.attach(document.createElement('parent-wrapper'));
    page.instance.onLoad();
    return page;
  }
  const sent = () => host.events.map((e) => {
    expect(typeof e.now).toBe('number');
    const out = Object.assign({}, e);
    delete out.now;
    return out;
  });

  test('home offers the hand-over; the hand-over route renders handover-view and goes back home', async () => {
    const home = open(views.home);
    // one language: the core's label (views.home is English), not both side by side
    expect(text(home.querySelector('#open-handover'))).toBe('Hand customers over (admins)');
    await tap(home.querySelector('#open-handover'));
    expect(sent()).toEqual([{ type: 'tap', action: 'openHandover', arg: null }]);

    const page = open(view);
    expect(text(page.querySelector('#title'))).toBe('Customer hand-over');
    expect(page.querySelector('#handover-view')).toBeDefined();
    expect(page.querySelector('#home-view')).toBeUndefined();
    const hv = page.querySelector('#handover-view');
    expect(text(hv)).toContain('ex_zhou → lisi');
    expect(text(page.querySelector('#handover-home'))).toBe('Back');
    const inner = hv.querySelector('#handover-refresh');
    expect(text(inner)).toBe('Refresh');
    await tap(inner);
    await tap(page.querySelector('#handover-home'));
    expect(sent()).toEqual([
      { type: 'tap', action: 'handoverRefresh', arg: null },
      { type: 'tap', action: 'home', arg: null },
    ]);
  });
});
