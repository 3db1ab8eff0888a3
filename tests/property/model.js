// Generators of plausible shell event sequences for the core, with fast-check,
// for the property tests (tests/property/*.test.js) and anyone else who wants
// them (the Rust side's author, the benchmarks). No test in here.
//
// A sequence is data: a launch (system info, the wx.qy functions found, the
// core's storage keys, and the WeCom context the fake client will report),
// then abstract steps. A step says *what kind* of thing the shell does next,
// not the concrete event: "answer the 3rd pending effect, the 2nd way",
// "tap the 5th action the page offers", "type this into the 1st field".
// `concretize(step, state)` turns it into the event a real shell would send
// (a 'settle' step is many events: `settleEvent(state)` until it says null)
// at that point, from what the core has emitted and shows. That keeps every
// generated event plausible, and lets fast-check shrink a failing sequence to
// a short one (choices shrink towards 0, which is the plain success answer).
//
// Answers that succeed come from the fixture backend and from the fake
// client of tools/fake-shell.js (the shell the benchmarks and budgets use); the
// rest are the ways real answers go wrong: WeCom fail reasons, 401, 5xx,
// status 0, garbage or truncated bodies, lone surrogates (half an emoji),
// duplicated, late, stale and unknown ids.
'use strict';

const fc = require('fast-check');
const data = require('../../tools/fixtures/wecom-data.js');

const START = 1700000000000;
const ALL_QY = [
  'login', 'checkSession', 'getSystemInfo', 'getContext', 'getCurExternalContact', 'getCurExternalChat',
  'getCurCorpGroupContact', 'getCurCorpGroupChat', 'selectExternalContact', 'openUserProfile', 'openEnterpriseChat',
  'sendChatMessage', 'shareToExternalContact',
];
const ENTRIES = [
  'single_chat_tools', 'contact_profile', 'chain_single_chat_tools', 'group_chat_tools', 'chain_group_chat_tools',
  'chat_attachment', 'normal', 'single_kf_tools', 'internal_group_chat_board', 'some_future_entry', '',
];
const HALF_EMOJI = '\ud83d'; // a lone high surrogate: half of 😀
const LOW_HALF = '\ude00';
const CUSTOMER_IDS = [data.WECHAT_ID, data.WECOM_ID, data.NOT_MINE_ID, 'wmUnknownCustomer000000ZZZ', 'wo' + 'x'.repeat(60), ' wm spaced', '', `wm${HALF_EMOJI}`];

// ---------------------------------------------------------------- text

/** Pieces people (and IMEs, and cut strings) type. */
const PIECES = [
  'a', 'Z', '7', '1', '3', '8', ' ', '\n', '\t', '陈', '总', '客户', 'é', 'e\u0301', '👍', '👨‍👩‍👧', '🇨🇳', '\u200d', '\ufeff',
  HALF_EMOJI, LOW_HALF, '13800138000', '+86 139-0013-9000', '<b>', '"', '\\', '{{x}}', '%s', '\u0000',
];
/** Text without lone surrogates (whole emoji only). */
const plainTextArb = fc.array(fc.constantFrom(...PIECES.filter((p) => p !== HALF_EMOJI && p !== LOW_HALF)), { maxLength: 6 }).map((a) => a.join(''));
const textArb = fc.oneof(
  { weight: 6, arbitrary: fc.array(fc.constantFrom(...PIECES), { maxLength: 6 }).map((a) => a.join('')) },
  { weight: 1, arbitrary: fc.constantFrom('x'.repeat(21), '中'.repeat(151), '👍'.repeat(20), 'y'.repeat(4001), '9'.repeat(21)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 8, unit: 'binary' }) },
);

// ---------------------------------------------------------------- launch

/** null with weight `nulls`, else a value of arb (shrinks to null). */
const sometimes = (arb, nulls, values = 1) => fc.oneof({ weight: nulls, arbitrary: fc.constant(null) }, { weight: values, arbitrary: arb });

/** Nested arrays/objects `depth` levels deep (the depth of the value itself). */
function nested(depth, leaf, objects) {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = objects && i % 2 ? { n: v } : [v];
  return v;
}

const systemInfoArb = fc.record({
  platform: fc.constantFrom('android', 'ios', 'windows', 'mac', 'devtools', 'ohos', 5, null),
  SDKVersion: fc.constantFrom('3.4.0', '2.14.0', '2.13.1', '2.12.3', '', null, 3.4),
  version: fc.constantFrom('8.0.50', '3.1.8', '', null),
  language: fc.constantFrom('zh_CN', 'zh', 'en', 'en_US', 'zh_TW', ''),
  environment: fc.constantFrom('wxwork', 'wxwork', 'wxwork', null, 'wechat'),
  system: fc.constantFrom('Android 14', 'iOS 17.1', 'Windows 10'),
  // Deep nesting (around serde_json's limit of 128, counted from the snapshot's root) and large values.
  deep: sometimes(fc.tuple(fc.oneof(fc.integer({ min: 1, max: 130 }), fc.integer({ min: 118, max: 128 })), fc.boolean())
    .map(([d, objects]) => nested(d, 'leaf', objects)), 3),
  big: sometimes(fc.constantFrom('x'.repeat(64 * 1024), '中'.repeat(16 * 1024), `${HALF_EMOJI}`.repeat(10)), 7),
}, { requiredKeys: ['platform'] });

/** A system info as current clients report it. */
const plainSystemInfoArb = fc.record({
  platform: fc.constantFrom('android', 'ios'),
  SDKVersion: fc.constantFrom('3.4.0', '2.14.0'),
  version: fc.constant('8.0.50'),
  language: fc.constantFrom('zh_CN', 'en'),
  environment: fc.constant('wxwork'),
});

const session = (over) => JSON.stringify(Object.assign({ token: 'stored-token', corpid: data.CORP_ID, userid: data.ME }, over));

/** wcc:session values: valid, damaged, truncated, wrong-typed, from a future release. */
const sessionValueArb = fc.constantFrom(
  session(), session(), session({ userid: 'LiSi' }),
  '{"token":"stored-tok', '', 'null', '42', '"stored-token"', '[]', '{}', '{"token":5,"corpid":[],"userid":null}',
  session({ userid: 'bad id!' }), session({ v: 9, token: 'stored-token', expiresAt: 1 }), session({ token: `t${HALF_EMOJI}` }),
  JSON.stringify({ token: 'stored-token', corpid: data.CORP_ID, userid: data.ME }).replace('stored', '\\ud83dstored'),
);

const values = (o) => Object.assign({ remark: '', description: '', remarkCompany: '', mobiles: [] }, o);

/** One outbox entry, with whether it is valid on its own. */
const outboxEntryArb = fc.tuple(fc.nat(999), fc.constantFrom(data.WECHAT_ID, data.WECOM_ID), fc.nat(5)).map(([n, ext, how]) => {
  const key = `pk-${n}-${how}`;
  switch (how) {
    case 0:
      return { valid: true, key, entry: { key, externalUserid: ext, kind: 'remark', body: { userid: data.ME, external_userid: ext, remark: `存的备注${n}` }, values: values({ remark: `存的备注${n}` }), inFlight: false, attempts: 0, createdAt: START - 1000 } };
    case 1:
      return { valid: true, key, entry: { key, externalUserid: ext, kind: 'tags', body: { userid: data.ME, external_userid: ext, add_tag: ['etLevelC0001'], remove_tag: [] }, values: null, inFlight: true, attempts: 2, createdAt: START - 500 } };
    case 2: // from a future release: a kind this core does not know
      return { valid: false, key, entry: { key, externalUserid: ext, kind: 'transferCustomer', body: {}, values: null, createdAt: 1 } };
    case 3: // wrong-typed
      return { valid: false, key, entry: { key: 5, externalUserid: ext, kind: 'remark', body: 'x', values: 7, createdAt: 'yesterday' } };
    case 4:
      return { valid: false, key, entry: null };
    default:
      return { valid: false, key, entry: `garbage-${n}` };
  }
});

/**
 * wcc:outbox: a list of entries (at most one valid entry per customer and kind, as the core
 * writes it: edits merge while they wait), or damaged as a whole (then nothing in it is valid).
 */
const outboxValueArb = fc.oneof(
  { weight: 4, arbitrary: fc.uniqueArray(outboxEntryArb, { maxLength: 4, selector: (e) => (e.valid ? `${e.entry.externalUserid}:${e.entry.kind}` : e.key) }).map((list) => ({ raw: JSON.stringify(list.map((e) => e.entry)), validKeys: list.filter((e) => e.valid).map((e) => e.key) })) },
  { weight: 1, arbitrary: fc.constantFrom('[', '', 'null', '{"entries":[]}', '{"version":3,"entries":[{"key":"pk-future"}]}', '[{"key":"pk-cut","externalUserid":"wm').map((raw) => ({ raw, validKeys: [] })) },
);

/** wcc:draft:<id> values: v2, v1 (migrated on read), truncated, wrong-typed, future. */
const draftValueArb = fc.tuple(fc.constantFrom(data.WECHAT_ID, data.WECOM_ID, 'wmSomeoneElse000000000YYY'), fc.nat(9), fc.nat(40)).map(([ext, how, cut]) => {
  const v2 = JSON.stringify({ v: 2, ext, savedAt: START - 5000, values: values({ remark: '草稿备注', description: '草稿👍', mobiles: ['13800138000'] }) });
  let raw;
  switch (how) {
    case 0: case 1: raw = v2; break;
    case 2: raw = JSON.stringify({ version: 1, remark: '旧草稿', desc: '旧描述', company: '旧公司', mobiles: '13800138000;13900139000', ts: START - 9000 }); break;
    case 3: raw = v2.slice(0, Math.max(1, v2.length - 1 - cut)); break; // truncated
    case 4: raw = JSON.stringify({ v: 2, ext, savedAt: 'soon', values: { remark: 5, mobiles: 'x' } }); break;
    case 5: raw = JSON.stringify({ v: 3, ext, savedAt: START, values: values({ remark: '未来' }), attachments: [] }); break;
    case 6: raw = v2.replace('草稿备注', '\\ud83d草稿'); break; // a lone surrogate escape in stored JSON
    case 7: raw = JSON.stringify({ v: 2, ext: 'wmNotThisKey', savedAt: START, values: values({ remark: 'key and ext disagree' }) }); break;
    case 8: raw = '{}'; break;
    default: raw = 'not json';
  }
  return { key: `wcc:draft:${ext}`, raw };
});

const storageArb = fc.record({
  session: sometimes(sessionValueArb, 1, 2),
  outbox: sometimes(outboxValueArb, 1, 1),
  drafts: fc.array(draftValueArb, { maxLength: 3 }),
  other: sometimes(fc.constantFrom('wcc:unknown-future-key', 'wcc-quarantine:wcc:outbox'), 4),
}).map((s) => {
  const storage = {};
  const validOutboxKeys = [];
  if (s.session !== null) storage['wcc:session'] = s.session;
  if (s.outbox !== null) {
    storage['wcc:outbox'] = s.outbox.raw;
    validOutboxKeys.push(...s.outbox.validKeys);
  }
  for (const d of s.drafts) storage[d.key] = d.raw;
  if (s.other) storage[s.other] = '{"x":1}';
  return { storage, validOutboxKeys };
});

/** Storage as a healthy previous session left it: maybe a session, maybe a current draft. */
const cleanStorageArb = fc.record({
  session: sometimes(fc.constant(session()), 1, 2),
  draft: sometimes(fc.constant(JSON.stringify({ v: 2, ext: data.WECHAT_ID, savedAt: START - 5000, values: values({ remark: '草稿备注' }) })), 2),
}).map((s) => {
  const storage = {};
  if (s.session) storage['wcc:session'] = s.session;
  if (s.draft) storage[`wcc:draft:${data.WECHAT_ID}`] = s.draft;
  return { storage, validOutboxKeys: [] };
});

/** What the fake WeCom client reports once asked (getContext, getCurExternalContact…). */
const contextArb = fc.oneof(
  // Mostly the usual: a current client opened from a single chat with a known customer.
  { weight: 3, arbitrary: fc.record({
    entry: fc.constantFrom('single_chat_tools', 'single_chat_tools', 'contact_profile', 'group_chat_tools', 'normal'),
    externalUserId: fc.constantFrom(data.WECHAT_ID, data.WECHAT_ID, data.WECOM_ID),
    chatId: fc.constant(data.CHAT_ID),
    clientVersion: fc.constant('4.1.36'),
  }) },
  { weight: 1, arbitrary: fc.record({
    entry: fc.constantFrom(...ENTRIES),
    externalUserId: fc.constantFrom(...CUSTOMER_IDS),
    chatId: fc.constantFrom(data.CHAT_ID, 'wrUnknownChat00000000000000', ''),
    clientVersion: fc.constantFrom('4.1.36', '3.1.8', '3.0.16', '2.8.10', 'x.y', ''),
  }) },
);

const qyApisArb = fc.oneof(
  { weight: 4, arbitrary: fc.constant(ALL_QY) },
  { weight: 1, arbitrary: fc.subarray(ALL_QY) },
  { weight: 1, arbitrary: fc.constant([]) },
);

/** Deep (up to a little past serde_json's limit of 128) and large values in systemInfo, always. */
const deepSystemInfoArb = fc.record({
  platform: fc.constantFrom('android', 'ios'),
  SDKVersion: fc.constant('3.4.0'),
  environment: fc.constant('wxwork'),
  deep: fc.tuple(fc.integer({ min: 1, max: 132 }), fc.boolean()).map(([d, objects]) => nested(d, 'leaf', objects)),
  wide: sometimes(fc.integer({ min: 1, max: 5000 }).map((n) => Array.from({ length: n }, (_, i) => ({ i }))), 1),
  big: sometimes(fc.constantFrom('x'.repeat(64 * 1024), '中'.repeat(16 * 1024), `a${HALF_EMOJI}b`), 1),
});

function launchArbWith({ systemInfo = systemInfoArb, storage = storageArb, context = contextArb } = {}) {
  return fc.record({
    now: fc.integer({ min: START, max: START + 1e9 }),
    systemInfo,
    hasQy: fc.oneof({ weight: 6, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    qyApis: qyApisArb,
    storage,
    context,
  }).map((l) => ({
    event: { type: 'launch', now: l.now, systemInfo: l.systemInfo, hasQy: l.hasQy, qyApis: l.qyApis, storage: l.storage.storage },
    validOutboxKeys: l.storage.validOutboxKeys,
    context: l.context,
  }));
}
const launchArb = launchArbWith();
const deepLaunchArb = launchArbWith({ systemInfo: deepSystemInfoArb, storage: cleanStorageArb });
/** Nothing odd at launch: a plain system info, healthy storage. */
const cleanLaunchArb = launchArbWith({ systemInfo: plainSystemInfoArb, storage: cleanStorageArb });
/** … opened from a single chat with a customer I follow (the card). */
const cardLaunchArb = launchArbWith({
  systemInfo: plainSystemInfoArb,
  storage: cleanStorageArb,
  context: fc.record({
    entry: fc.constantFrom('single_chat_tools', 'contact_profile'),
    externalUserId: fc.constantFrom(data.WECHAT_ID, data.WECOM_ID),
    chatId: fc.constant(data.CHAT_ID),
    clientVersion: fc.constant('4.1.36'),
  }),
});

// ---------------------------------------------------------------- steps

const dtArb = fc.oneof({ weight: 5, arbitrary: fc.integer({ min: 0, max: 2000 }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 120000 }) });

/** Answer choices: mostly plain success (0), else any way of going wrong. */
const howArb = fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, { weight: 3, arbitrary: fc.nat(99) });
/** Answer choices that carry half an emoji: 80 and 81 are surrogate answers for both http (escaped, raw) and wx.qy. */
const surrogateHowArb = fc.oneof({ weight: 2, arbitrary: fc.constant(0) }, { weight: 2, arbitrary: fc.constantFrom(80, 81) }, { weight: 1, arbitrary: fc.nat(99) });
const surrogateTextArb = fc.array(fc.constantFrom('陈', '👍', HALF_EMOJI, LOW_HALF, 'a', '1'), { minLength: 1, maxLength: 4 }).map((a) => a.join(''));

/** One abstract step; `how` and `text` pick the answers and the typing. */
function stepArbWith({ how = howArb, text = textArb } = {}) {
  return fc.oneof(
    { weight: 10, arbitrary: fc.record({ k: fc.constant('answer'), pick: fc.nat(20), how, dt: dtArb }) },
    { weight: 3, arbitrary: fc.record({ k: fc.constant('settle'), dt: dtArb }) },
    { weight: 6, arbitrary: fc.record({ k: fc.constant('tap'), pick: fc.nat(40), dt: dtArb }) },
    { weight: 4, arbitrary: fc.record({ k: fc.constant('input'), pick: fc.nat(10), op: fc.nat(3), text, dt: dtArb }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('again'), pick: fc.nat(20), how: fc.nat(99), dt: dtArb }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('stale'), kind: fc.constantFrom('qy', 'wx', 'http', 'storage', 'timer'), id: fc.oneof(fc.nat(50), fc.constant(4294967295), fc.nat()), dt: dtArb }) },
    { weight: 2, arbitrary: fc.record({ k: fc.constantFrom('show', 'hide', 'noop', 'online', 'offline'), dt: dtArb }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('tapOdd'), action: fc.constantFrom('nope', 'save ', 'SAVE', '__proto__', 'constructor', '', 'addTag', 'removeMobile', 'msgType', 'quickReply', 'card', 'retry', 'pickCustomer'), arg: fc.constantFrom(null, 0, -1, 99, '', 'etNope', 'wrong', [], {}, true, 1.5, `et${HALF_EMOJI}`), dt: dtArb }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('inputOdd'), field: fc.constantFrom('nope', 'mobile', 'remark', 'composer.nope', 'composer.text', 'composer.', ''), value: text, index: fc.constantFrom(null, 0, 3, 10, 4294967295), dt: dtArb }) },
  );
}
const stepArb = stepArbWith();

/**
 * Editing a card: answers, typing, and taps on what the card and its form offer (no tags, no composer).
 * Answers go wrong only in plain ways: 50 is a 401, 56 a 5xx or a wx.qy fail, 60 status 0,
 * 90 a failed storage write (no half emoji here: the 'surrogates' property has those).
 */
const editHowArb = fc.constantFrom(0, 0, 0, 0, 50, 56, 60, 90);
const editStepArb = fc.oneof(
  { weight: 4, arbitrary: fc.record({ k: fc.constant('answer'), pick: fc.nat(20), how: editHowArb, dt: dtArb }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('settle'), dt: dtArb }) },
  { weight: 5, arbitrary: fc.record({ k: fc.constant('tap'), pick: fc.nat(40), only: fc.constant('editing'), dt: dtArb }) },
  { weight: 5, arbitrary: fc.record({ k: fc.constant('input'), pick: fc.nat(10), op: fc.nat(3), text: plainTextArb, dt: dtArb }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constantFrom('show', 'hide', 'online', 'offline'), dt: dtArb }) },
);
const surrogateStepArb = stepArbWith({ how: surrogateHowArb, text: surrogateTextArb });

/** A whole sequence: a launch, then up to maxSteps steps. */
function sequenceArb({ maxSteps = 40, minSteps = 0, launch = launchArb, step = stepArb } = {}) {
  return fc.record({ launch, steps: fc.array(step, { minLength: minSteps, maxLength: maxSteps, size: 'max' }) });
}

// ---------------------------------------------------------------- concrete answers

const QY_FAIL_REASONS = [
  'no permission', 'fail_nopermission', 'permission denied', 'without context of external contact', 'user not in allow list',
  'not support', 'cancel', 'unsupported chat', 'session expired', 'not login', `invalid ${HALF_EMOJI}`,
];

/** The fake client's success answer to a wx.qy call (tools/fake-shell.js answers the same way). */
function qyOk(api, context, n) {
  switch (api) {
    case 'login': return { errMsg: 'login:ok', code: `code-${n}` };
    case 'checkSession': return { errMsg: 'checkSession:ok', expireIn: 7200 };
    case 'getSystemInfo': return { errMsg: 'getSystemInfo:ok', version: context.clientVersion };
    case 'getContext': return { errMsg: 'getContext:ok', entry: context.entry };
    case 'getCurExternalContact': case 'getCurCorpGroupContact': return { errMsg: `${api}:ok`, userId: context.externalUserId };
    case 'getCurExternalChat': case 'getCurCorpGroupChat': return { errMsg: `${api}:ok`, chatId: context.chatId };
    case 'selectExternalContact': return { errMsg: 'selectExternalContact:ok', userIds: [context.externalUserId] };
    default: return { errMsg: `${api}:ok` };
  }
}

function qyAnswer(effect, how, context, n) {
  const api = effect.api;
  if (how < 55) return qyOk(api, context, n);
  if (how < 80) {
    const reason = QY_FAIL_REASONS[how % QY_FAIL_REASONS.length];
    return how % 3 ? { errMsg: `${api}:fail ${reason}` } : { errMsg: `${api}:${reason}`, errCode: -1 };
  }
  if (how < 90) { // lone surrogates where ids and codes go
    const ok = qyOk(api, context, n);
    for (const k of ['code', 'userId', 'chatId', 'entry', 'version']) if (typeof ok[k] === 'string') ok[k] = `${ok[k]}${HALF_EMOJI}`;
    ok.errMsg = `${ok.errMsg}${HALF_EMOJI}`;
    return ok;
  }
  const weird = [{}, { errMsg: 5 }, { errMsg: `${api}:ok` }, { errMsg: 'login:ok', code: '' }, { errMsg: `${api}:ok`, code: 7, userId: ['x'], chatId: {}, entry: 3 }, { errCode: '0' }, { errMsg: `${api}:ok`, userIds: [] }, { errMsg: null }, { errMsg: `${api}:ok`, userIds: 'wm' }, { errMsg: `${api}:fail`, errCode: 'x' }];
  return weird[how % weird.length];
}

/** Puts a lone surrogate into the first string value of a JSON body: escaped (`\ud83d` in the text) or raw. */
function withSurrogate(body, raw) {
  const m = /"(name|remark|token|errmsg|group_name|tag_name|notice|description)":"/.exec(body);
  const at = m ? m.index + m[0].length : body.indexOf('"') + 1;
  if (at <= 0) return `${body}${raw ? HALF_EMOJI : '\\ud83d'}`;
  return body.slice(0, at) + (raw ? HALF_EMOJI : '\\ud83d') + body.slice(at);
}

const GARBAGE_BODIES = ['', 'null', '[]', '{', '<html><body>502 Bad Gateway</body></html>', '{"errcode":"0"}', 'true', '"ok"', '{"errcode":0}', '\u0000', '{"errcode":0,"external_contact":null,"follow_user":"x"}', '{"errcode":0,"token":5}'];

/**
 * The shell's answer to an http effect. `ok(effect)` is the backend's own
 * answer as an httpResult event (tools/fake-shell.js's world.httpResult).
 */
function httpAnswer(effect, how, ok) {
  const base = { type: 'httpResult', id: effect.id };
  if (how < 45) return ok(effect);
  if (how < 52) return Object.assign(base, { status: 401, body: '{"errcode":42001,"errmsg":"access_token expired"}', errMsg: '' });
  if (how < 58) return Object.assign(base, { status: [500, 502, 503, 504][how % 4], body: how % 2 ? '' : '<html>busy</html>', errMsg: '' });
  if (how < 64) return Object.assign(base, { status: 0, body: '', errMsg: ['request:fail timeout', 'request:fail network unavailable', 'request:fail abort', `request:fail ${HALF_EMOJI}`][how % 4] });
  if (how < 70) return Object.assign(base, { status: 200, body: GARBAGE_BODIES[how % GARBAGE_BODIES.length], errMsg: '' });
  if (how < 75) return Object.assign(base, { status: [200, 400, 403][how % 3], body: JSON.stringify({ errcode: [48002, 40001, 60111, -1, 40029][how % 5], errmsg: 'api forbidden' }), errMsg: '' });
  if (how < 82) { // the backend's answer, with half an emoji: as a JSON escape, or as a raw code unit
    const r = ok(effect);
    return Object.assign(r, { body: withSurrogate(String(r.body), how % 2 === 1) });
  }
  if (how < 88) { // cut short
    const r = ok(effect);
    const body = String(r.body);
    return Object.assign(r, { body: body.slice(0, Math.floor(body.length * ((how % 6) + 1) / 8)) });
  }
  if (how < 92) { // large, with a padding field
    const r = ok(effect);
    const body = String(r.body);
    return Object.assign(r, { body: body.startsWith('{') ? `{"pad":"${'客'.repeat(16 * 1024)}",${body.slice(1)}` : body });
  }
  if (how < 96) return Object.assign(base, { status: [204, 301, 404, 429][how % 4], body: '', errMsg: '' });
  return Object.assign(ok(effect), { errMsg: 'request:ok' });
}

function storageAnswer(effect, how) {
  if (how < 75) return { type: 'storageResult', id: effect.id, ok: true, errMsg: 'setStorage:ok' };
  const reasons = ['setStorage:fail exceed storage max size', 'setStorage:fail exceed storage item max length', 'setStorage:fail', `setStorage:fail ${HALF_EMOJI}`];
  return { type: 'storageResult', id: effect.id, ok: false, errMsg: reasons[how % reasons.length] };
}

/** The event that answers an effect the core emitted; `how` 0 is plain success. */
function answerEvent(effect, how, state) {
  switch (effect.kind) {
    case 'qy': return { type: 'qyResult', id: effect.id, api: effect.api, result: qyAnswer(effect, how, state.context, state.counter) };
    case 'wx': return { type: 'wxResult', id: effect.id, api: effect.api, result: how < 70 ? { errMsg: `${effect.api}:ok` } : { errMsg: `${effect.api}:fail cancel` } };
    case 'http': return httpAnswer(effect, how, state.httpOk);
    case 'storageSet': return storageAnswer(effect, how);
    case 'timer': return { type: 'timer', id: effect.id, now: Math.max(state.now, (effect.at || 0) + (effect.afterMs || 0)) };
    default: return null;
  }
}

// ---------------------------------------------------------------- what the page offers

const nonEmpty = (a) => Array.isArray(a) && a.length > 0;

/**
 * Taps the page's WXML can send for this view (miniprogram/pages, components):
 * `{action, arg}` in the order the page shows them. Disabled buttons
 * (data-disabled) send nothing, so they are not offered.
 */
function offeredTaps(view) {
  const out = [];
  if (!view || typeof view !== 'object') return out;
  if (view.banner) out.push({ action: 'dismissBanner', arg: null });
  if (view.route === 'notice' && view.notice && view.notice.canRetry) out.push({ action: 'retry', arg: null });
  if (view.route === 'home' && view.canPickCustomer) out.push({ action: 'pickCustomer', arg: null });
  if (view.route === 'card' && view.card) {
    const card = view.card;
    out.push({ action: 'refresh', arg: null });
    if (card.mine) {
      if (!view.form) {
        out.push({ action: 'edit', arg: null });
        for (const g of card.mine.tagGroups || []) for (const t of g.tags || []) if (t.id) out.push({ action: 'removeTag', arg: t.id });
        out.push({ action: 'tagPicker', arg: null });
        if (nonEmpty(view.tagPicker)) {
          for (const g of view.tagPicker) for (const t of g.tags || []) out.push({ action: t.selected ? 'removeTag' : 'addTag', arg: t.id });
        }
      } else {
        const form = view.form;
        const mobiles = (form.values && form.values.mobiles) || [];
        mobiles.forEach((_, row) => out.push({ action: 'removeMobile', arg: row }));
        if (form.canAddMobile) out.push({ action: 'addMobile', arg: null });
        out.push({ action: 'cancelEdit', arg: null });
        if (form.canSave) out.push({ action: 'save', arg: null });
      }
    }
    out.push({ action: 'compose', arg: null }, { action: 'openProfile', arg: null }, { action: 'openChat', arg: null });
  }
  if ((view.route === 'group' || view.route === 'compose') && view.composer) {
    const c = view.composer;
    if (view.route === 'compose' && view.canBackToCard) out.push({ action: 'card', arg: null });
    for (const t of c.msgTypes || []) out.push({ action: 'msgType', arg: t.value });
    if (c.enterChatOffered) out.push({ action: 'enterChat', arg: null });
    if (c.lastResult) out.push({ action: 'dismissResult', arg: null });
    if (c.canSend) out.push({ action: 'send', arg: null });
    for (const q of view.quickReplies || []) out.push({ action: 'quickReply', arg: q.id });
  }
  return out;
}

/** Fields the page offers for typing: `{field, index, value}` (value: what the field shows now). */
function offeredFields(view) {
  const out = [];
  if (!view || typeof view !== 'object') return out;
  if (view.route === 'card' && view.card && view.form) {
    const v = view.form.values || {};
    out.push({ field: 'remark', index: null, value: v.remark || '' });
    out.push({ field: 'description', index: null, value: v.description || '' });
    if (view.form.remarkCompanyAllowed) out.push({ field: 'remarkCompany', index: null, value: v.remarkCompany || '' });
    (v.mobiles || []).forEach((m, row) => out.push({ field: 'mobile', index: row, value: m || '' }));
  }
  if ((view.route === 'group' || view.route === 'compose') && view.composer) {
    for (const f of view.composer.fields || []) out.push({ field: `composer.${f.key}`, index: null, value: f.value || '' });
  }
  return out;
}

/** The next value of a field after a keystroke-ish edit. */
function edited(value, op, text) {
  switch (op) {
    case 0: return value + text; // typed
    case 1: return text; // replaced (paste, IME commit)
    case 2: return value.slice(0, -1); // backspace by code unit: may leave half an emoji
    default: return ''; // cleared
  }
}

// ---------------------------------------------------------------- concretizing

/** Tap subsets a step may keep to (`only`). */
const ONLY = {
  editing: ['edit', 'cancelEdit', 'save', 'addMobile', 'removeMobile', 'refresh', 'dismissBanner', 'retry'],
};

const ANSWERABLE = new Set(['qy', 'wx', 'http', 'storageSet', 'timer']);

/**
 * The state concretize() reads and observe() updates: the effects waiting
 * for an answer (in the order they were emitted), those answered once, the
 * clock, the WeCom context and the backend's answer (`httpOk`).
 */
function createShellState({ context, httpOk, now }) {
  return { context, httpOk, now, counter: 0, waiting: [], answered: [], view: null };
}

/** Records what the core emitted (call with the effects of every accepted dispatch). */
function observe(state, event, effects) {
  const id = event && typeof event.id === 'number' ? event.id : null;
  const kindOf = { qyResult: 'qy', wxResult: 'wx', httpResult: 'http', storageResult: 'storageSet', timer: 'timer' };
  if (id !== null && kindOf[event.type]) {
    const i = state.waiting.findIndex((e) => e.id === id && e.kind === kindOf[event.type]);
    if (i >= 0) state.answered.push(state.waiting.splice(i, 1)[0]);
  }
  for (const e of effects || []) {
    if (ANSWERABLE.has(e.kind)) state.waiting.push(Object.assign({}, e, { at: state.now }));
  }
}

/** A dispatched event the core refused still reached it: the shell does not send that answer again. */
function observeRefused(state, event) {
  observe(state, event, []);
}

/**
 * For a 'settle' step (the network and the client just work for a while):
 * the success answer to the first effect still waiting, timers aside, or
 * null when none is left. Call it again after each dispatch.
 */
function settleEvent(state) {
  const next = state.waiting.find((e) => e.kind !== 'timer');
  if (!next) return null;
  state.counter += 1;
  return answerEvent(next, 0, state);
}

/** The concrete event for an abstract step, at this state (null: nothing to send). */
function concretize(step, state) {
  state.now += step.dt || 0;
  state.counter += 1;
  const now = state.now;
  const view = state.view;
  switch (step.k) {
    case 'answer': {
      if (!state.waiting.length) return { type: 'noop' };
      const effect = state.waiting[step.pick % state.waiting.length];
      return answerEvent(effect, step.how, state);
    }
    case 'again': { // a duplicated or late answer
      if (!state.answered.length) return { type: 'show', now };
      const effect = state.answered[state.answered.length - 1 - (step.pick % state.answered.length)];
      return answerEvent(effect, step.how, state);
    }
    case 'stale': {
      const id = step.id;
      switch (step.kind) {
        case 'qy': return { type: 'qyResult', id, api: 'login', result: { errMsg: 'login:ok', code: 'stale-code' } };
        case 'wx': return { type: 'wxResult', id, api: 'showToast', result: { errMsg: 'showToast:ok' } };
        case 'http': return { type: 'httpResult', id, status: 200, body: '{"errcode":0,"errmsg":"ok"}', errMsg: '' };
        case 'storage': return { type: 'storageResult', id, ok: id % 2 === 0, errMsg: '' };
        default: return { type: 'timer', id, now };
      }
    }
    case 'tap': {
      const taps = offeredTaps(view).filter((t) => !step.only || ONLY[step.only].includes(t.action));
      if (!taps.length) return { type: 'noop' };
      const t = taps[step.pick % taps.length];
      return { type: 'tap', action: t.action, arg: t.arg, now };
    }
    case 'input': {
      const fields = offeredFields(view);
      if (!fields.length) return { type: 'noop' };
      const f = fields[step.pick % fields.length];
      return { type: 'input', field: f.field, value: edited(f.value, step.op, step.text), index: f.index, now };
    }
    case 'tapOdd': return { type: 'tap', action: step.action, arg: step.arg, now };
    case 'inputOdd': return { type: 'input', field: step.field, value: step.value, index: step.index, now };
    case 'show': return { type: 'show', now };
    case 'hide': return { type: 'hide', now };
    case 'online': return { type: 'networkChanged', online: true, now };
    case 'offline': return { type: 'networkChanged', online: false, now };
    default: return { type: 'noop' };
  }
}

module.exports = {
  fc,
  START,
  ALL_QY,
  ENTRIES,
  HALF_EMOJI,
  textArb,
  systemInfoArb,
  plainSystemInfoArb,
  launchArb,
  launchArbWith,
  deepLaunchArb,
  cleanLaunchArb,
  cardLaunchArb,
  storageArb,
  cleanStorageArb,
  stepArb,
  stepArbWith,
  surrogateStepArb,
  editStepArb,
  sequenceArb,
  nested,
  qyOk,
  answerEvent,
  offeredTaps,
  offeredFields,
  edited,
  createShellState,
  observe,
  observeRefused,
  concretize,
  settleEvent,
};
