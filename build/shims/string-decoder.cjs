// Stands in for the `string_decoder` npm package (~2 KB gzip) in the CDN bundle. readable-stream
// needs it only for `setEncoding()`, which neither MQTT.js nor this package calls; it is kept
// working for UTF-8, over the browser's `TextDecoder` in streaming mode (a character split across
// chunks comes out whole, a broken one as U+FFFD, as Node's does). Other encodings throw.
'use strict';

class StringDecoder {
  #decoder = new TextDecoder();

  constructor(encoding = 'utf8') {
    if (!/^utf-?8$/i.test(encoding)) throw new Error(`StringDecoder: only UTF-8 is in this bundle, not ${encoding}`);
    this.encoding = 'utf8';
  }

  write(chunk) {
    return typeof chunk === 'string' ? chunk : this.#decoder.decode(chunk, { stream: true });
  }

  end(chunk) {
    return (chunk ? this.write(chunk) : '') + this.#decoder.decode();
  }
}

module.exports = { StringDecoder };
