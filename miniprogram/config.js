// The app's own backend (see README: "Backend contract"). Set this to your
// deployment. No secret ever belongs here: the client holds only the session
// token the backend issues after wx.qy.login.
module.exports = {
  backendUrl: 'https://api.example.com',
};
