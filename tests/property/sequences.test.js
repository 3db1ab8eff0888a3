// Property tests of the built core (run `make build` first): random but
// plausible shell event sequences (tests/property/model.js) on the wasm
// build and the JS engine at once, every invariant of tests/property/run.js
// checked after every dispatch. Seed 11 and a few hundred runs in CI;
// WCC_PROPERTY_SEED and WCC_PROPERTY_RUNS (and WCC_PROPERTY_PKG, another
// built miniprogram/) to look further:
//   WCC_PROPERTY_SEED=$RANDOM WCC_PROPERTY_RUNS=2000 node_modules/.bin/jest tests/property
// On failure the message gives the seed, the shrunk sequence, the invariant
// and the events dispatched; `WCC_PROPERTY_SEED=<seed> WCC_PROPERTY_PATH=<path>`
// replays that exact counterexample. Each property has a time budget
// (WCC_PROPERTY_BUDGET_MS, default 60 s) that also bounds shrinking.
'use strict';

const { fc, sequenceArb, deepLaunchArb, cleanLaunchArb, cardLaunchArb, surrogateStepArb, editStepArb } = require('./model.js');
const { runSequence } = require('./run.js');
const { loadEngines } = require('./engines.js');

const SEED = Number(process.env.WCC_PROPERTY_SEED || 11);
const RUNS = Number(process.env.WCC_PROPERTY_RUNS || 0); // 0: each property's own default
const PATH = process.env.WCC_PROPERTY_PATH || undefined;
// Time per property, shrinking included (a shrink stopped by it reports the smallest case so far);
// running out of time before a failure is a failure too, never a silently shorter run.
// Default 60 s; none when WCC_PROPERTY_RUNS asks for a longer run; 0 = none.
const BUDGET_MS = Number(process.env.WCC_PROPERTY_BUDGET_MS || (RUNS ? 0 : 60000));

let engines;
beforeAll(async () => {
  engines = await loadEngines(['wasm', 'js']);
}, 60000);
afterAll(() => {
  for (const e of engines || []) e.dispose();
});

/** How many levels a value nests as a chain (objects or arrays with one child each). */
function chain(v) {
  let n = 0;
  while (v && typeof v === 'object' && Object.keys(v).length === 1) {
    v = v[Object.keys(v)[0]];
    n += 1;
  }
  return n;
}

/** JSON.stringify replacer for reports: long strings cut, deep chains summarized. */
function readable(k, v) {
  if (typeof v === 'string' && v.length > 800) return `${v.slice(0, 800)}…(${v.length} chars)`;
  if (v && typeof v === 'object' && chain(v) > 8) return `«nested ${chain(v)} deep: ${JSON.stringify(v).slice(0, 24)}…»`;
  return v;
}

/** Runs a property; on failure, throws a report with the seed, the shrunk sequence and what broke. */
async function check(name, arb, runs, options = {}) {
  const property = fc.asyncProperty(arb, async (seq) => {
    const res = await runSequence(engines, seq, options);
    if (!res.ok) throw res.error;
  });
  const params = { seed: SEED, numRuns: RUNS || runs, endOnFailure: false };
  if (PATH) params.path = PATH;
  if (BUDGET_MS > 0) Object.assign(params, { interruptAfterTimeLimit: BUDGET_MS, markInterruptAsFailure: true });
  const out = await fc.check(property, params);
  if (!out.failed) return out;
  if (!out.counterexample) {
    throw new Error(`${name}: interrupted after ${out.numRuns} run(s) by the ${BUDGET_MS} ms budget (WCC_PROPERTY_BUDGET_MS), with no failure found yet; seed ${out.seed}`);
  }
  const seq = out.counterexample[0];
  const again = seq ? await runSequence(engines, seq, options) : null;
  const err = again && !again.ok ? again.error : out.errorInstance;
  const report = [
    `${name}: property failed after ${out.numRuns} run(s), shrunk ${out.numShrinks} time(s)${out.interrupted ? ' (shrinking stopped by the time budget)' : ''}`,
    `seed ${out.seed}, path "${out.counterexamplePath}" (replay: WCC_PROPERTY_SEED=${out.seed} WCC_PROPERTY_PATH=${out.counterexamplePath})`,
    `invariant: ${err && err.invariant ? err.invariant : '?'}`,
    `detail: ${err && err.detail ? err.detail : String(err && err.message)}`,
    `at step: ${err && err.step !== undefined ? err.step : '?'}`,
    'shrunk sequence:',
    `launch ${JSON.stringify(seq.launch, readable)}`,
    ...seq.steps.map((st, i) => `step ${String(i).padStart(2)} ${JSON.stringify(st, readable)}`),
    'events dispatched (wasm outcome):',
    ...(again ? again.trace.map((t, i) => `${String(i).padStart(3)} ${JSON.stringify(t.event, readable)} -> ${t.refused || t.effects || '(none)'}`) : []),
  ].join('\n');
  throw new Error(report);
}

test('launch: any storage, system info and context; then the shell answers everything', async () => {
  await check('launch', sequenceArb({ maxSteps: 0 }), 120);
}, 240000);

test('launch: deep and large values in systemInfo', async () => {
  await check('deep', sequenceArb({ launch: deepLaunchArb, maxSteps: 4 }), 60);
}, 240000);

test('sequences: random events and answers, taps and typing on what the page offers', async () => {
  await check('sequences', sequenceArb({ maxSteps: 40 }), 150);
}, 240000);

test('editing: typing, saving and cancelling on the card, with drafts from a previous session', async () => {
  await check('editing', sequenceArb({ launch: cardLaunchArb, step: editStepArb, maxSteps: 30 }), 100);
}, 240000);

test('sequences: half an emoji (a lone surrogate) in answers and keystrokes', async () => {
  await check('surrogates', sequenceArb({ launch: cleanLaunchArb, step: surrogateStepArb, maxSteps: 30 }), 100);
}, 240000);

test('short sequences without the final drain (every step checked, nothing answered for free)', async () => {
  await check('short', sequenceArb({ maxSteps: 12 }), 100, { drain: false });
}, 240000);
