'use strict';
/* global require, exports */
// Loads the addon that `node-gyp rebuild` (this package's install script, run by `npm ci`) built.
let binding;
try {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  binding = require('./build/Release/vigil_native.node');
} catch (cause) {
  const err = new Error(
    '@vigil/native: the addon is not built or does not load (' + (cause && cause.message) + '). ' +
      'Build it with `npm rebuild @vigil/native` (it needs python3, make, a C++ compiler and Node\'s headers); ' +
      'npm runs that build at install only while the root package.json allows it (allowScripts).',
    { cause },
  );
  err.code = 'VIGIL_ERR_NATIVE_MISSING';
  throw err;
}

exports.PacketSocket = binding.PacketSocket;
