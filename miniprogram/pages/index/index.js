// The one page. It renders the core's view model; every event goes to the
// core through the app's host. Written with Component() so that the same file
// runs in mini programs and in miniprogram-simulate.
Component({
  data: { route: 'loading', title: '', message: null },
  methods: {
    onLoad() {
      getApp().host.attach(this);
    },
    onUnload() {
      getApp().host.detach(this);
    },
  },
});
