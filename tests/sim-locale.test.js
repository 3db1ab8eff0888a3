/**
 * @jest-environment node
 */
// The simulator's locale switch (sim/, Chromium, on the real stack of `make dev`): the panel's
// Language control sets the client's wx.getSystemInfo().language and relaunches the phone; the
// core then renders home in that language only: its labels, its intro and the navigation bar's
// title, with no Chinese text once English is chosen, and back; a customer's card then reads in
// English around the customer's own (Chinese) data. Saves home-en.png and card-en.png (into a temp
// folder, or docs/screenshots with WCC_UPDATE_SCREENSHOTS=1). Needs `make build` and
// `make sim-bins`.
'use strict';

const path = require('path');
const { simSession, sleep, CJK } = require('./support/sim-session');

jest.setTimeout(180000);

const sim = simSession('sim-locale.test');
const { withStackLog, pageErrors } = sim;
/** The phone's text, the navigation bar's title included. */
const expectPhone = (present, absent = [], timeout = 20000) => sim.expectPhone(present, absent, timeout, { nav: true });
let page;
let phone;
beforeAll(() => { ({ page, phone } = sim); });

describe('the simulator switches the locale', () => {
  test('home in Chinese, then English only after switching, then Chinese again', () => withStackLog(async () => {
    await page.goto(`${sim.stack.url}?entry=normal`);
    expect(await page.inputValue('#sim-language')).toBe('zh_CN');
    let text = await expectPhone(['客户联系', '选择客户', '客户交接（管理员）'], ['Pick a customer', 'Hand customers over']);

    await page.selectOption('#sim-language', 'en');
    // the phone relaunches with the client's language set to English
    text = await expectPhone(['Customer contact', 'Pick a customer', 'Hand customers over (admins)', 'Look up a customer'], ['选择客户']);
    expect(text).not.toMatch(CJK);
    expect(page.url()).toContain('lang=en');
    const info = await page.evaluate(() => window.sim.phone.wx.getSystemInfoSync().language);
    expect(info).toBe('en');
    await phone.locator('#pages').evaluate((el) => { el.scrollTop = 0; });
    await sleep(150);
    await page.screenshot({ path: path.join(sim.SHOTS, 'home-en.png') });

    // a relaunch keeps the choice (it is the client's language, not the app's memory)
    await page.click('#sim-relaunch');
    text = await expectPhone(['Pick a customer']);
    expect(text).not.toMatch(CJK);

    await page.selectOption('#sim-language', 'zh_CN');
    text = await expectPhone(['客户联系', '选择客户'], ['Pick a customer', 'Customer contact']);
    expect(pageErrors).toEqual([]);
  }));

  test('the card in English: every label in English, the people by name, the tag picker\'s link', () => withStackLog(async () => {
    await page.goto(`${sim.stack.url}?entry=single_chat_tools&customer=wmChenXiaoMing0001AAAA&lang=en`);
    expect(await page.inputValue('#sim-language')).toBe('en');
    // the customer's data stays as WeCom holds it (陈晓明, 陈先生); every word of the app is English
    const text = await expectPhone(['陈晓明', 'WeChat', 'Refresh', 'My follow-up', 'Edit', 'Remark', 'Colleagues following up',
      '3 members follow this customer', 'Send a message', '+ Add tags', '张三', '李四', '王五'],
    ['我的跟进', '其他跟进同事', '编辑', '刷新', '打标签', '发送消息', '微信', '共 3 位']);
    expect(text).not.toMatch(/zhangsan|lisi|wangwu/i);
    expect((await phone.locator('.colleague-name').allInnerTexts()).map((t) => t.trim())).toEqual(['李四', '王五']);
    await phone.locator('#pages').evaluate((el) => { el.scrollTop = 0; });
    await sleep(150);
    await page.screenshot({ path: path.join(sim.SHOTS, 'card-en.png') });
    const toggle = phone.locator('#tag-picker-toggle');
    await toggle.click();
    await sim.waitFor('the tag picker open', async () => (await toggle.innerText()).trim() === 'Hide tags');
    expect(await phone.locator('.mine .tag-picker').isVisible()).toBe(true);
    await toggle.click();
    await sim.waitFor('the tag picker closed', async () => (await toggle.innerText()).trim() === '+ Add tags');
    expect(await phone.locator('.mine .tag-picker').count()).toBe(0);
    expect(pageErrors).toEqual([]);
  }));
});
