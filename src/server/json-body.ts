// Request bodies as JSON in valid UTF-8 (docs/runtime-api.md#errors). Node's string
// decoding replaces invalid bytes with U+FFFD, so "m\xff" and "m\xfe" would arrive as
// the same audienceId and two members would share one history. The body is read as
// bytes, refused with 400 invalid-utf8 (naming the first bad byte) when it is not UTF-8,
// and only then parsed by fastify's own JSON parser (prototype-poisoning checks kept).
import { isUtf8 } from 'node:buffer';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from './http-errors.js';

/** Offset of the first byte that breaks UTF-8, or -1 (only called on bodies isUtf8 refused). */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    let length: number;
    let min: number;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) {
      length = 2;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      length = 3;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      length = 4;
      min = 0x10000;
    } else {
      return i;
    }
    if (i + length > bytes.length) return i;
    let code = b & (0xff >> (length + 1));
    for (let k = 1; k < length; k++) {
      const next = bytes[i + k]!;
      if ((next & 0xc0) !== 0x80) return i;
      code = (code << 6) | (next & 0x3f);
    }
    // Overlong forms, UTF-16 surrogates and code points past U+10FFFF are not UTF-8 either.
    if (code < min || (code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff) return i;
    i += length;
  }
  return -1;
}

/** Replaces the scope's JSON parser with one that refuses invalid UTF-8 before parsing. */
export function parseJsonAsUtf8(scope: FastifyInstance): void {
  const parseJson = scope.getDefaultJsonParser('error', 'error');
  scope.removeContentTypeParser('application/json');
  scope.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request: FastifyRequest, body: Buffer, done) => {
    if (!isUtf8(body)) {
      const at = firstInvalidUtf8(body);
      done(new ApiError(400, 'invalid-utf8', `the body is not valid UTF-8 (byte ${at} is 0x${(body[at] ?? 0).toString(16).padStart(2, '0')}); send JSON encoded as UTF-8`), undefined);
      return;
    }
    void parseJson(request, body.toString('utf8'), done);
  });
}
