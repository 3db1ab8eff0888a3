// The measured user actions, played once on fake shells (tools/fake-shell.js) with
// setData accounting (bench/setdata.js). Returns the setData tallies per
// action and the exact event sequences the shell dispatched, so that the
// timing loop in bench/run.js can replay them on fresh Core handles and time
// single dispatches without the fake shell or the fixture backend in the way.
//
// Actions:
//  - 'launch → card': the launch event and every result the shell sent back
//    until the customer card shows (fixture customer 陈晓明, 3 follow users);
//  - 'open big card': the httpResult carrying a customer with 50 follow users
//    and 200 tags (corp tags: 200 more, already loaded), then what follows;
//  - 'tap edit' (setData only), 'keystroke': typing one character into the
//    remark field of the big card; 'save': the tap on save and the results
//    the shell sends back (storage, the POST's answer).
'use strict';

const { createWorld, bigBackend, BIG_ID } = require('../tools/fake-shell.js');
const { createAccounting } = require('./setdata.js');

const ACTIONS = ['launch → card', 'open big card', 'tap edit', 'keystroke', 'save'];
const REMARK_BEFORE = '大客户';
const KEYSTROKE_VALUE = '大客户A';

function play(glue) {
  // 1. Launch to the ordinary card.
  const small = createWorld({ glue });
  const smallAcc = createAccounting();
  smallAcc.attach(small);
  smallAcc.begin('launch → card');
  small.launch();
  if (small.view().route !== 'card') throw new Error(`launch ended on route ${small.view().route}, not card`);
  const launchEvents = small.trace.map((d) => d.event);
  const launchEffects = small.trace.map((d) => JSON.stringify(d.effects));

  // 2. The big card: launch with the customer's GET held back, then its answer.
  const big = createWorld({ glue, backend: bigBackend(), scenario: { externalUserId: BIG_ID } });
  const acc = createAccounting();
  acc.attach(big);
  acc.begin('setup');
  big.holdHttp = (e) => e.method === 'GET' && e.url.includes(`/api/external-contacts/${BIG_ID}`);
  big.launch();
  if (big.held.length !== 1) throw new Error(`expected the big customer's GET to be pending, got ${big.held.length}`);
  big.holdHttp = null;
  const cardEvent = big.httpResult(big.held[0]);
  const cardIndex = big.trace.length;
  acc.begin('open big card');
  big.dispatch(cardEvent);
  const card = big.view().card;
  if (big.view().route !== 'card' || !card) throw new Error('the big card did not open');

  acc.begin('tap edit');
  big.tap('edit');
  const keystrokeIndex = big.trace.length;
  const form = big.view().form;
  if (!form || JSON.stringify(form).indexOf(REMARK_BEFORE) < 0) throw new Error('the edit form did not open with the remark');

  acc.begin('keystroke');
  big.input('remark', KEYSTROKE_VALUE);
  const saveIndex = big.trace.length;

  acc.begin('save');
  big.tap('save');

  const bigEvents = big.trace.map((d) => d.event);
  const bigEffects = big.trace.map((d) => JSON.stringify(d.effects));
  const tallies = Object.assign({}, smallAcc.tallies, acc.tallies);
  delete tallies.setup;
  return {
    tallies,
    launch: { events: launchEvents, effects: launchEffects },
    big: { events: bigEvents, effects: bigEffects, cardIndex, keystrokeIndex, saveIndex },
    cardBodyBytes: Buffer.byteLength(cardEvent.body, 'utf8'),
    followUsers: JSON.parse(cardEvent.body).follow_user.length,
    tags: JSON.parse(cardEvent.body).follow_user[0].tags.length,
  };
}

/** Replays events on a Core handle; returns the effects of each dispatch. */
function replay(core, events, from = 0, to = events.length) {
  const out = [];
  for (let i = from; i < to; i++) out.push(core.dispatch(events[i]));
  return out;
}

/** Throws unless replaying on a fresh handle gives exactly the recorded effects. */
function checkDeterministic(glue, CONFIG, rec) {
  const core = new glue.Core(CONFIG);
  const got = replay(core, rec.events).map((fx) => JSON.stringify(fx));
  core.free();
  got.forEach((g, i) => {
    if (g !== rec.effects[i]) throw new Error(`replay differs at dispatch ${i} (${rec.events[i].type}): the core is not deterministic for these events`);
  });
}

module.exports = { play, replay, checkDeterministic, ACTIONS, KEYSTROKE_VALUE, REMARK_BEFORE };
