// The mini-program's entry. Pages are written with the Component constructor (see the README);
// signing in happens on the first API call (utils/api.js), so there is nothing to do at launch.
App({})
