'use strict';
// The simulator's fixture world: the customers and group chat of tools/fixtures/wecom-data.js,
// plus a few more (Chinese names, both customer types, a big card from bigCustomer(), a huge
// one paged by next_cursor, a second group chat), the members who log in, and the same world
// as wecom-double's dataset JSON (doubleDataset(), which `make dev` seeds the double with).
// This file is the one source of the simulator's data. Pure JS: bundled into the browser.

const data = require('../tools/fixtures/wecom-data.js');

function follow(userid, extra) {
  return Object.assign({
    userid, remark: '', description: '', createtime: 1700000000, tags: [], remark_corp_name: '', remark_mobiles: [], add_way: 1, oper_userid: userid,
  }, extra);
}

// A WeChat customer with nothing written yet: an empty form to fill.
const wangFang = {
  errcode: 0,
  errmsg: 'ok',
  external_contact: {
    external_userid: 'wmWangFang000000000000EEE',
    name: '王芳',
    avatar: '',
    type: 1,
    gender: 2,
    unionid: 'ozynqsulJFCZ2z1aYeS8h-nuasdEEE',
  },
  follow_user: [
    follow(data.ME, { createtime: 1731300000, add_way: 6 }),
    follow('lisi', { remark: '王女士', tags: [{ group_name: '意向', tag_name: '待跟进', type: 1, tag_id: 'etIntentCold1' }], add_way: 4 }),
  ],
  next_cursor: '',
};

// A WeCom customer (type 2) from another company, with lenient-JSON quirks.
const liuQiang = {
  errcode: 0,
  errmsg: 'ok',
  external_contact: {
    external_userid: 'woLiuQiang00000000000FFF',
    name: '刘强',
    position: '运营总监',
    corp_name: '星河物流',
    corp_full_name: '星河物流有限公司',
    type: '2',
    gender: '1',
    external_profile: null,
  },
  follow_user: [
    follow(data.ME, {
      remark: '刘总',
      description: '年框合同 Q3 续签，关注价格',
      remark_mobiles: ['13912345678', '02161234567'],
      tags: [
        { group_name: '客户等级', tag_name: 'A 级', type: 1, tag_id: 'etLevelA0001' },
        { group_name: null, tag_name: '老客户', type: 2 },
      ],
      add_way: '202',
      createtime: '1699000000',
    }),
    follow('WangWu', { remark: '刘', add_way: 3 }),
    follow('zhaoliu', { remark: '', description: null, tags: null, remark_mobiles: null, add_way: 12 }),
  ],
  next_cursor: null,
};

const big = data.bigCustomer(50, 200);

// 1200 follow users: the backend pages them 500 at a time (next_cursor).
const huge = (() => {
  const c = data.bigCustomer(1200, 20);
  c.external_contact.external_userid = 'wmHugeCustomer0000000GGG';
  c.external_contact.name = '超大客户（1200 位跟进人）';
  c.follow_user[0].remark = '超大客户';
  return c;
})();

// 500 follow users and 3,000 tags on my record (issue 15: stays one screen tall, folded,
// until the rep asks for more).
const giant = (() => {
  const c = data.bigCustomer(500, 3000);
  c.external_contact.external_userid = 'wmGiantCustomer0000000LLL';
  c.external_contact.name = '巨型客户（500 位跟进人）';
  c.follow_user[0].remark = '巨型客户';
  return c;
})();

const vipChat = {
  errcode: 0,
  errmsg: 'ok',
  group_chat: {
    chat_id: 'wrVipEastChina0000000000HHHH',
    name: '华东区 VIP 客户群',
    owner: 'lisi',
    create_time: 1690000000,
    notice: '',
    member_list: [
      { userid: 'lisi', type: 1, join_time: 1690000000, join_scene: 1 },
      { userid: data.ME, type: 1, join_time: 1690000100, join_scene: 1, invitor: { userid: 'lisi' } },
      { userid: wangFang.external_contact.external_userid, type: 2, join_time: 1690000200, join_scene: 2, name: '王芳' },
      { userid: liuQiang.external_contact.external_userid, type: 2, join_time: '1690000300', join_scene: 3, name: '刘强', group_nickname: '星河-刘强' },
      { userid: 'wmNoName0000000000000III', type: 2, join_time: 1690000400, join_scene: 3 },
    ],
    admin_list: [{ userid: data.ME }],
  },
};

/** Customers in the panel's menu: {id, label}. */
const CUSTOMERS = [
  { id: data.WECHAT_ID, label: '陈晓明 · 微信客户 (3 followers, mobiles, tags)' },
  { id: data.WECOM_ID, label: '李娜 · 企业微信客户 (external profile)' },
  { id: wangFang.external_contact.external_userid, label: '王芳 · 微信客户 (nothing written yet)' },
  { id: liuQiang.external_contact.external_userid, label: '刘强 · 企业微信客户 (numbers as strings, nulls)' },
  { id: data.NOT_MINE_ID, label: '赵六 · not my customer' },
  { id: big.external_contact.external_userid, label: '大客户 · 50 followers, 200 tags (bigCustomer)' },
  { id: huge.external_contact.external_userid, label: '超大客户 · 1200 followers, paged by 500' },
  { id: giant.external_contact.external_userid, label: '巨型客户 · 500 followers, 3000 tags (folded)' },
  { id: `wmHandover${'0'.repeat(21)}5`, label: '客户0005 · 周离 (ex_zhou, resigned) left: hand-over accepts' },
  { id: `wmHandover${'0'.repeat(20)}10`, label: '客户0010 · 周离 left: refuses the hand-over' },
  { id: 'wmUnknown0000000000000JJJ', label: '(unknown to the backend: 84061)' },
];

const CHATS = [
  { id: data.CHAT_ID, label: '企业版客户交流群 (4 members)' },
  { id: vipChat.group_chat.chat_id, label: '华东区 VIP 客户群 (5 members, a nameless one)' },
  { id: 'wrUnknown000000000000000KKKK', label: '(unknown chat: 40050)' },
];

/** The members the panel can log in as (wx.qy.login → a code the double issues for them). */
const MEMBERS = [
  { id: data.ME, name: '张三', label: '张三 · zhangsan (follows every customer but 赵六)' },
  { id: 'lisi', name: '李四', label: '李四 · lisi (follows 陈晓明, 王芳, 赵六)' },
  { id: 'WangWu', name: '王五', label: '王五 · WangWu (follows 陈晓明, 刘强)' },
  { id: 'zhaoliu', name: '赵六', label: '赵六 · zhaoliu (follows 刘强)' },
  { id: 'sunqi', name: '孙七', label: '孙七 · sunqi (follows nobody: saves get 84061)' },
];

/**
 * The hand-over scenario (issue 16): 周离 (ex_zhou) resigned 30 days ago and left 250
 * customers (wmHandover0000…0249, WeChat, followed by ex_zhou only) and two group chats;
 * 李四 (lisi) takes them over; the hand-over admin is zhangsan, the member the simulator signs
 * in as (WCC_HANDOVER_ADMINS, passed to wcc-server by sim/stack.js).
 */
const HANDOVER = {
  admins: [data.ME],
  resigned: 'ex_zhou',
  resignedName: '周离',
  taker: 'lisi',
  customers: 250,
  customer: (i) => `wmHandover${String(i).padStart(22, '0')}`,
  chat: (i) => `wrHandoverChat${String(i).padStart(18, '0')}`,
  /** Who will refuse, and who will find the taker at their limit, after 24 hours. */
  refuse: [10, 20],
  atLimit: [30],
};

function handoverWorld(nowSecs) {
  const customers = {};
  for (let i = 0; i < HANDOVER.customers; i++) {
    const id = HANDOVER.customer(i);
    customers[id] = {
      external_contact: { external_userid: id, name: `客户${String(i).padStart(4, '0')}`, type: 1 },
      follow_user: [follow(HANDOVER.resigned, { createtime: 1700000000 })],
    };
  }
  const groupChats = {};
  for (let i = 0; i < 2; i++) {
    const id = HANDOVER.chat(i);
    groupChats[id] = {
      chat_id: id, name: `离职群${i}`, owner: HANDOVER.resigned, create_time: 1600000000, notice: '',
      member_list: [{ userid: HANDOVER.resigned, type: 1, join_time: 1600000000, join_scene: 1 }], admin_list: [],
    };
  }
  return {
    customers,
    groupChats,
    resigned: [{ userid: HANDOVER.resigned, dimission_time: Math.floor(nowSecs) - 30 * 86400 }],
  };
}

/**
 * The simulator's world as wecom-double's dataset JSON (tools/wecom-double/README.md, "Dataset
 * JSON"): the customers of tools/fixtures and the ones above as id-keyed externalcontact/get
 * answers, the chats as groupchat/get answers, one corp tag list covering every customer's tags
 * (tools/fixtures' standard groups, then bigCorpTags' ten groups of the big customers' tags,
 * 3,000 of them), and the members with their Chinese names. Every customer and chat of the panel's menus
 * is in it, except the ones labelled unknown.
 */
/**
 * The big customers' colleagues (colleague1 … colleague499 of bigCustomer(): 大客户 and 巨型客户,
 * and the first of 超大客户's) by name in the double's directory, so the folded cards show people:
 * 20 surnames × 25 given names, one distinct name each. 超大客户's colleague500 and on have none
 * (the card shows 同事（未设置姓名）, the userid apart).
 */
const SURNAMES = [...'王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗'];
const GIVEN = ['伟', '芳', '娜', '敏', '静', '磊', '洋', '艳', '勇', '军', '杰', '娟', '涛', '明', '超', '秀英', '霞', '平', '刚', '桂英', '晨', '浩然', '思远', '雨桐', '子涵'];
const NAMED_COLLEAGUES = 499;
const colleagueName = (i) => SURNAMES[Math.floor((i - 1) / GIVEN.length)] + GIVEN[(i - 1) % GIVEN.length];

/** The fixture customers' pictures: external_userid → file in sim/static/avatars. */
const AVATARS = {
  [data.WECHAT_ID]: 'chen',
  [data.WECOM_ID]: 'lina',
  [wangFang.external_contact.external_userid]: 'wang',
  [liuQiang.external_contact.external_userid]: 'liu',
};

/**
 * @param {number} [nowSecs]
 * @param {{ avatarBase?: string }} [o] avatarBase: where the simulator serves its pictures
 *   (`<sim url>/__sim/avatars`); the customers of AVATARS then have those as their avatar.
 */
function doubleDataset(nowSecs = Date.now() / 1000, o = {}) {
  const handover = handoverWorld(nowSecs);
  const customers = Object.assign({}, data.customers, handover.customers);
  for (const c of [wangFang, liuQiang, big, huge, giant]) customers[c.external_contact.external_userid] = c;
  if (o.avatarBase) {
    for (const [id, file] of Object.entries(AVATARS)) {
      if (!customers[id]) continue;
      const c = JSON.parse(JSON.stringify(customers[id]));
      c.external_contact.avatar = `${o.avatarBase}/${file}.svg`;
      customers[id] = c;
    }
  }
  const groupChats = Object.assign({}, data.groupChats, { [vipChat.group_chat.chat_id]: vipChat }, handover.groupChats);
  const standard = data.corpTagList.tag_group;
  const extra = data.bigCorpTags(3000).tag_group.filter((g) => !standard.some((x) => x.group_id === g.group_id));
  const members = {};
  for (const m of MEMBERS) members[m.id] = m.name;
  for (let i = 1; i <= NAMED_COLLEAGUES; i++) members[`colleague${i}`] = colleagueName(i);
  members[HANDOVER.resigned] = HANDOVER.resignedName;
  return JSON.parse(JSON.stringify({
    customers,
    corp_tags: { tag_group: standard.concat(extra) },
    group_chats: groupChats,
    members,
    resigned: handover.resigned,
  }));
}

/**
 * The materials library (素材库, issue 15) that sim/stack.js fills through wcc-server's admin
 * API (POST /api/admin/materials, signed in as an admin of WCC_MATERIAL_ADMINS) at every start:
 * quick replies in groups, templates for group chats, an image, a file, a link and a
 * mini-program card. `file`: the bytes of a media material, in sim/static/media (the server
 * uploads them to the double's media/upload); `cover`: a picture there, served by the
 * simulator at /__sim/media/<cover>, as a link's or a card's imgUrl. `key` names the entry in
 * tests and makes the admin write idempotent (its Idempotency-Key).
 */
const MATERIAL_ADMINS = [data.ME];
const MATERIALS = [
  { key: 'greet', kind: 'text', title: '问候', group: '开场白', scope: 'single', text: '{name}您好，我是{me}，很高兴为您服务！有任何问题随时联系我。' },
  { key: 'intro', kind: 'text', title: '自我介绍', group: '开场白', scope: 'all', text: '您好，我是{me}，负责您这边的企业版服务，有问题随时找我。' },
  { key: 'quote', kind: 'text', title: '报价跟进', group: '跟进', scope: 'single', text: '{name}，报价单已发到您的邮箱，请查收；有疑问随时联系我。' },
  { key: 'visit', kind: 'text', title: '预约拜访', group: '跟进', scope: 'single', text: '{name}您好，想约您本周当面聊聊需求，您看哪天方便？' },
  { key: 'aftercare', kind: 'text', title: '售后回访', group: '售后', scope: 'all', text: '您好，我是{me}，想了解一下最近使用是否顺利，有问题随时告诉我。' },
  { key: 'welcome', kind: 'text', title: '欢迎入群', group: '群聊', scope: 'group', text: '欢迎大家加入本群！我是{me}，工作日 9:00-18:00 在线答疑。' },
  { key: 'event', kind: 'text', title: '活动通知', group: '群聊', scope: 'group', text: '各位好，本周五 14:00 有企业版线上分享会，欢迎报名参加！' },
  { key: 'poster', kind: 'image', title: '新品海报', scope: 'all', filename: 'poster.png', file: 'poster.png' },
  { key: 'price', kind: 'file', title: '价目表', scope: 'all', filename: '价目表 2026.pdf', file: 'price-list.pdf' },
  { key: 'site', kind: 'link', title: '企业版介绍', scope: 'all', url: 'https://example.com/enterprise', desc: '功能、价格与客户案例一览', cover: 'cover.png' },
  { key: 'shop', kind: 'miniprogram', title: '在线商城', scope: 'all', appid: 'wx8bd80126147df384', page: 'pages/shop/index.html', cover: 'shop.png' },
];

/**
 * The picture the simulated phone picks in wx.chooseMedia (从手机选择图片): the panel sends
 * sim/static/media/<file> as the `media` part when the mini program uploads tempFilePath
 * (wx.uploadFile, to wcc-server's POST /api/media). `size`: that file's bytes.
 */
const PHONE_PICTURE = { tempFilePath: 'wxfile://tmp_sim_storefront.png', size: 10675, file: 'storefront.png' };

module.exports = { doubleDataset, colleagueName, NAMED_COLLEAGUES, GIANT_ID: giant.external_contact.external_userid, CUSTOMERS, CHATS, MEMBERS, HANDOVER, AVATARS, MATERIALS, MATERIAL_ADMINS, PHONE_PICTURE, data };
