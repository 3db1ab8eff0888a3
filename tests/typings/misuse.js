// Deliberately wrong uses of wx.qy: tests/typings.test.js expects tsc to
// reject every line marked "error".
/** @param {WechatMiniprogram.Wx} wx */
function misuse(wx) {
  wx.qy.sendChatMessage({ msgtype: 'text', text: { content: 1 } }); // error: content is a string
  wx.qy.openUserProfile({ type: 3, userid: 'wm1' }); // error: type is 1 or 2
  wx.qy.selectExternalContact({ filterType: 2 }); // error: filterType is 0 or 1
  wx.qy.getContext({ success: (res) => res.entry.toFixed() }); // error: entry is a string
}
module.exports = misuse;
