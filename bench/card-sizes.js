// Keystroke cost against card size (issue 14): the same keystroke in the
// remark field on customers with 3, 50, 200 and 500 follow users, each of
// them carrying 200 tags, with the floor beside it (`core.floor(event)`: the
// same input event read as `dispatch` reads it and the keystroke's effects
// written out again, in the same wasm, applying nothing), a dispatch that
// changes nothing (`hide`) against its own floor, and westore's `update()`
// on the same view change. Medians of many single dispatches; ratios are
// the point.
'use strict';

const westore = require('westore/index.common.js');
const { createWorld, createBackend, data, BIG_ID } = require('../tools/fake-shell.js');

const SIZES = [3, 50, 200, 500];
const TAGS = 200;
const SAMPLES = 300;
const now = () => Number(process.hrtime.bigint()) / 1e6;

function median(xs) {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** A core on the edit form of a card with `followers` follow users. */
function editing(glue, followers) {
  const backend = createBackend({
    customers: { [BIG_ID]: data.bigCustomer(followers, TAGS, { everyoneTagged: true }) },
    corpTags: data.bigCorpTags(TAGS),
  });
  const world = createWorld({ glue, backend, scenario: { externalUserId: BIG_ID } });
  world.launch();
  world.tap('edit');
  const form = world.view().form;
  if (!form) throw new Error(`no edit form at ${followers} follow users`);
  // Big customers fold their colleagues (3 shown): the card still counts them all.
  if (world.view().card.colleaguesTotal + 1 < followers) {
    throw new Error(`the card holds fewer follow users than ${followers}`);
  }
  return world;
}

function timeKeystrokes(world) {
  const core = world.core;
  let stamp = world.now;
  const out = [];
  let patchBytes = 0;
  for (let i = 0; i < SAMPLES; i++) {
    stamp += 100;
    const t0 = now();
    const fx = core.dispatch({ type: 'input', field: 'remark', value: i % 2 ? '大客户A' : '大客户AB', index: null, now: stamp });
    out.push(now() - t0);
    for (const e of fx) {
      if (e.kind === 'storageSet') core.dispatch({ type: 'storageResult', id: e.id, ok: true, errMsg: '' });
      if (e.kind === 'render') patchBytes = JSON.stringify(e.patch).length;
    }
  }
  return { ms: median(out), patchBytes };
}

function timeDispatch(core, make) {
  const out = [];
  for (let i = 0; i < SAMPLES; i++) {
    const ev = make(i);
    const t0 = now();
    core.dispatch(ev);
    out.push(now() - t0);
  }
  return median(out);
}

/** `core.floor(event)`: the event read and the last effects written, nothing applied. */
function timeFloor(core, make) {
  const out = [];
  for (let i = 0; i < SAMPLES; i++) {
    const ev = make(i);
    const t0 = now();
    core.floor(ev);
    out.push(now() - t0);
  }
  return median(out);
}

/** westore's update() on the view change one keystroke makes. */
function timeWestore(world) {
  const before = world.view();
  const after = JSON.parse(JSON.stringify(before));
  const out = [];
  for (let i = 0; i < SAMPLES; i++) {
    const a = i % 2 ? before : after;
    const b = i % 2 ? after : before;
    const page = { data: JSON.parse(JSON.stringify(b)), _westorePrevData: JSON.parse(JSON.stringify(a)), setData() {} };
    page.data.form.values = Object.assign({}, page.data.form.values, { remark: i % 2 ? '大客户A' : '大客户AB' });
    const t0 = now();
    westore.update(page);
    out.push(now() - t0);
  }
  return median(out);
}

function keystrokeBySize(glue) {
  const rows = [];
  for (const n of SIZES) {
    const world = editing(glue, n);
    // Warm the instance up before measuring.
    timeKeystrokes(world);
    const key = timeKeystrokes(world);
    const noop = timeDispatch(world.core, () => ({ type: 'noop' }));
    // The floor of a keystroke: its event read, its effects written.
    let t = world.now + 1e5;
    const keystroke = (i) => ({ type: 'input', field: 'remark', value: i % 2 ? '大客户A' : '大客户AB', index: null, now: (t += 100) });
    world.core.dispatch(keystroke(1));
    const floor = timeFloor(world.core, keystroke);
    let stamp = world.now + 1e6;
    const hide = () => ({ type: 'hide', now: (stamp += 10) });
    const nothing = timeDispatch(world.core, hide);
    const nothingFloor = timeFloor(world.core, hide);
    const west = timeWestore(world);
    rows.push({ followers: n, tags: TAGS, keystrokeMs: key.ms, patchBytes: key.patchBytes, floorMs: floor, noopMs: noop, nothingMs: nothing, nothingFloorMs: nothingFloor, westoreMs: west });
  }
  return rows;
}

module.exports = { keystrokeBySize, SIZES, TAGS };

if (require.main === module) {
  const { loadGlue } = require('../tools/fake-shell.js');
  const rows = keystrokeBySize(loadGlue());
  const base = rows[0].keystrokeMs;
  console.log('| follow users (200 tags each) | keystroke | ÷ 3-user keystroke | ÷ floor (event read + effects written) | ÷ noop dispatch | nothing changes (hide) ÷ its floor | ÷ westore update() | patch |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(
      `| ${r.followers} | ${(r.keystrokeMs * 1000).toFixed(1)} µs | ${(r.keystrokeMs / base).toFixed(2)} | ${(r.keystrokeMs / r.floorMs).toFixed(1)}× | ` +
        `${(r.keystrokeMs / r.noopMs).toFixed(1)}× | ${(r.nothingMs / r.nothingFloorMs).toFixed(1)}× | ${(r.keystrokeMs / r.westoreMs).toFixed(2)} | ${r.patchBytes} B |`,
    );
  }
}
