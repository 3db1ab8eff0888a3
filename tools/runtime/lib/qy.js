'use strict';
// wx.qy — the WeCom client API (facts §3), present only when scenario.host === 'wecom'.

const { asyncApi, syncApi, fail } = require('./api');
const { versionAtLeast } = require('./util');

/** Minimum WeCom client version per method (null = always present). */
const QY_MIN_VERSION = {
  login: null,
  checkSession: null,
  getSystemInfo: null,
  getContext: '3.0.24',
  getCurExternalContact: '2.5.8',
  getCurExternalChat: '3.0.16',
  getCurCorpGroupContact: '4.0.8', // 上下游 (wecom:97020, 98426)
  getCurCorpGroupChat: '4.0.8', // 上下游 互联群 (wecom:97020; the JS-SDK page 98427 says 4.0.12)
  selectExternalContact: '2.4.20',
  openUserProfile: null,
  openEnterpriseChat: null,
  sendChatMessage: '2.8.10',
  shareToExternalContact: null,
};

const NO_LOGIN_NEEDED = new Set(['login', 'checkSession']);
const NO_ALLOW_LIST_CHECK = new Set(['login', 'checkSession', 'getSystemInfo']);
const CONTACT_APIS = new Set(['getCurExternalContact', 'getCurExternalChat', 'selectExternalContact', 'sendChatMessage', 'openEnterpriseChat', 'shareToExternalContact']);
const DEVTOOLS_UNSUPPORTED = new Set(['getContext', 'getCurExternalContact', 'getCurExternalChat', 'getCurCorpGroupContact', 'shareToExternalContact']);
// The customer calls answer only the customer toolbars: a 上下游 (chain_*) page is served by
// getCurCorpGroupContact / getCurCorpGroupChat, and the customer calls fail there as on a client.
const CONTACT_ENTRIES = ['contact_profile', 'single_chat_tools'];
const CHAT_ENTRIES = ['group_chat_tools'];
const CORP_GROUP_CONTACT_ENTRIES = ['chain_single_chat_tools'];
const CORP_GROUP_CHAT_ENTRIES = ['chain_group_chat_tools'];
const WRONG_CORP_GROUP_ENTRY = 'without context of corpgroup contact';
const SEND_ENTRIES = ['single_chat_tools', 'group_chat_tools', 'chain_single_chat_tools', 'chain_group_chat_tools'];
const MSG_TYPES = ['text', 'image', 'video', 'file', 'news', 'miniprogram'];
const WRONG_ENTRY = 'without context of external contact';

const hasProtocol = (u) => typeof u === 'string' && /^[a-z][a-z0-9+.-]*:\/\//i.test(u);
const ids = (v) => (typeof v === 'string' ? v.split(';').map((x) => x.trim()).filter(Boolean) : []);

function makeQy(rt) {
  const s = rt.scenario;
  const session = rt.device.session;
  const client = s.clientVersion;

  // Per-API: checks (throw via fail) and result builder.
  const impl = {
    login: (o, chk) => {
      session.loggedIn = true;
      rt.loggedInHere = true;
      return { code: `code-${++session.codes}` };
    },
    checkSession: (o, chk) => {
      chk(!session.loggedIn || !(s.sessionValid || rt.loggedInHere), 'session expired');
      return { expireIn: 7200 };
    },
    getSystemInfo: () => ({ version: client }),
    getContext: (o, chk) => {
      const r = { entry: s.entry };
      if (s.shareTicket !== undefined && s.shareTicket !== null) r.shareTicket = s.shareTicket;
      return r;
    },
    getCurExternalContact: (o, chk) => {
      chk(!CONTACT_ENTRIES.includes(s.entry), WRONG_ENTRY);
      return { userId: s.externalUserId };
    },
    getCurExternalChat: (o, chk) => {
      chk(!CHAT_ENTRIES.includes(s.entry), WRONG_ENTRY);
      return { chatId: s.chatId };
    },
    getCurCorpGroupContact: (o, chk) => {
      chk(!CORP_GROUP_CONTACT_ENTRIES.includes(s.entry), WRONG_CORP_GROUP_ENTRY);
      return { corpId: s.corpGroupCorpId, userId: s.corpGroupUserId };
    },
    getCurCorpGroupChat: (o, chk) => {
      chk(!CORP_GROUP_CHAT_ENTRIES.includes(s.entry), WRONG_CORP_GROUP_ENTRY);
      return { chatId: s.corpGroupChatId };
    },
    selectExternalContact: (o, chk) => {
      chk(o.filterType !== undefined && o.filterType !== 0 && o.filterType !== 1, 'invalid filterType');
      chk(s.selectContacts === 'cancel', 'cancel');
      return { userIds: Array.isArray(s.selectContacts) ? s.selectContacts.slice() : [s.externalUserId] };
    },
    openUserProfile: (o, chk) => {
      chk((o.type !== 1 && o.type !== 2) || typeof o.userid !== 'string' || !o.userid, 'invalid params');
      return {};
    },
    openEnterpriseChat: (o, chk) => {
      const members = ids(o.userIds);
      const externals = ids(o.externalUserIds);
      chk(!members.length && !externals.length && !o.chatId, 'invalid params');
      chk(externals.some((x) => x.startsWith('wm')) && members.length + externals.length + 1 > 40, 'exceed max member count');
      if (versionAtLeast(client, '3.0.36')) return { chatId: o.chatId || `wr-new-${++session.chats}` };
      return {};
    },
    sendChatMessage: (o, chk) => {
      const entryOk = SEND_ENTRIES.includes(s.entry) ||
        (s.entry === 'chat_attachment' && versionAtLeast(client, '3.1.6') && s.platform !== 'mac');
      chk(!entryOk, WRONG_ENTRY);
      const type = o.msgtype === undefined ? 'text' : o.msgtype;
      chk(!MSG_TYPES.includes(type), `invalid msgtype "${type}"`);
      chk(!o[type] || typeof o[type] !== 'object', `invalid params: ${type} is required for msgtype ${type}`);
      const body = o[type] && typeof o[type] === 'object' ? o[type] : {};
      chk(type === 'text' && (typeof body.content !== 'string' || !body.content), 'invalid params: text.content is required');
      chk(['image', 'video', 'file'].includes(type) && !body.mediaid, `invalid params: ${type}.mediaid is required`);
      chk((type === 'news' || type === 'miniprogram') && body.imgUrl !== undefined && !hasProtocol(body.imgUrl), 'invalid imgUrl');
      chk(type === 'miniprogram' && (typeof body.page !== 'string' || !/\.html(\?|$)/.test(body.page)),
        'invalid page: miniprogram.page must end with .html');
      return {};
    },
    shareToExternalContact: (o, chk) => {
      const text = o.text && o.text.content;
      chk(typeof text === 'string' && text.length > 4000, 'text too long: text.content exceeds 4000 characters');
      chk(Array.isArray(o.attachments) && o.attachments.length > 9, 'too many attachments: at most 9');
      return {};
    },
  };

  const qy = {};
  for (const name of Object.keys(impl)) {
    const min = QY_MIN_VERSION[name];
    if (min && !versionAtLeast(client, min)) continue; // an older client simply lacks the method
    qy[name] = asyncApi(rt, name, (o) => {
      const override = s.results && s.results[name];
      if (override !== undefined && override !== null) {
        const r = typeof override === 'function' ? override(o, s) : override;
        if (r === 'ok') return impl[name](o, () => {});
        fail(String(r));
      }
      if (!NO_LOGIN_NEEDED.has(name) && !session.loggedIn) fail('not login');
      if (s.platform === 'devtools' && DEVTOOLS_UNSUPPORTED.has(name)) fail('not support');
      if (!s.allowList && !NO_ALLOW_LIST_CHECK.has(name)) fail('user not in allow list');
      if (!s.permission && CONTACT_APIS.has(name)) fail('no permission');
      return impl[name](o, (cond, reason) => { if (cond) fail(reason); });
    }, { log: rt.log.qy, promisify: false });
  }
  qy.canIUse = syncApi(rt, 'canIUse', (name) => typeof qy[name] === 'function', { log: rt.log.qy, raw: true });
  return qy;
}

module.exports = { makeQy, QY_MIN_VERSION, CONTACT_APIS, DEVTOOLS_UNSUPPORTED };
