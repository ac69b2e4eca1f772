// Stands in for the `bl` package's main module in the CDN bundle. mqtt-packet's parser calls
// `bl()` and uses only the BufferList methods (append, get, slice, consume, readUInt…), not the
// stream that `bl`'s main module wraps them in (which brings readable-stream's Duplex along).
'use strict';

const BufferList = require('bl/BufferList');

module.exports = function bl(buffer) {
  return new BufferList(buffer);
};
module.exports.BufferList = BufferList;
