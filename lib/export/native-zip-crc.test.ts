import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import { javascriptUnsigned, useNativeZipCrc, yazlCrc32 } from "./native-zip-crc.ts";

test("the native CRC-32 that yazl gets equals its JavaScript one, chained chunk by chunk as yazl feeds it (empty chunks included)", () => {
  useNativeZipCrc();
  assert.notEqual(yazlCrc32.unsigned, javascriptUnsigned);
  for (const size of [0, 1, 7, 1000, 65536 + 3]) {
    const chunks = [randomBytes(size), randomBytes(size >> 1), Buffer.from("é👍\n", "utf8")];
    let native = 0;
    let javascript = 0;
    for (const c of chunks) {
      native = yazlCrc32.unsigned(c, native);
      javascript = javascriptUnsigned(c, javascript);
      assert.equal(native, javascript, `a ${c.length}-byte chunk after ${size} bytes`);
    }
    assert.equal(yazlCrc32.unsigned(chunks[0]), javascriptUnsigned(chunks[0]));
  }
});
