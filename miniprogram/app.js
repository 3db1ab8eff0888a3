// The app: builds the core host at launch and forwards app lifecycle and
// network changes to the core as events.
const { CoreHost } = require('./shell/core-host.js');
const { loadCore } = require('./shell/core-loader.js');
const config = require('./config.js');

App({
  /** @type {CoreHost | null} */
  host: null,
  /** @type {Promise<CoreHost> | null} */
  ready: null,
  onLaunch() {
    this.host = new CoreHost({ config, wx, loadCore });
    this.ready = this.host.start();
    if (typeof wx.onNetworkStatusChange === 'function') {
      wx.onNetworkStatusChange((res) => {
        this.host.dispatch({ type: 'networkChanged', online: !!res.isConnected, now: Date.now() });
      });
    }
  },
  onShow() {
    if (this.host) this.host.dispatch({ type: 'show', now: Date.now() });
  },
  onHide() {
    if (this.host) this.host.dispatch({ type: 'hide', now: Date.now() });
  },
});
