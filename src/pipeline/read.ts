/**
 * Stage 2a, read: bytes -> a VFile holding the decoded text.
 * Rejects what is not text (invalid UTF-8, NUL bytes) with a positioned error instead of
 * guessing, and never throws on file-system errors: they become diagnostics.
 */
import { hash } from 'node:crypto';
import { VFile } from 'vfile';
import { reporterFor } from '../diagnostics.js';
import type { RuleSettings } from '../rules.js';
import { readRegularFile } from '../util/read-file.js';
import { createLocator } from '../util/text.js';

export interface ReadInput {
  /** Path relative to the project root, posix separators: what diagnostics and the manifest show. */
  path: string;
  absolutePath: string;
  maxFileBytes: number;
  rules?: RuleSettings;
  /** Bytes already in hand (watch mode, tests); otherwise read from disk. */
  bytes?: Uint8Array;
  /** sha256 of `bytes`, hex, when the caller hashed them already (the builder does, to find its cached analysis). */
  sha256?: string;
}

export interface ReadSource {
  file: VFile;
  /** sha256 of the file's bytes, hex. */
  sha256: string;
  /** Decoded text, BOM removed; undefined when the file is not readable text. */
  text: string | undefined;
}

/** Where a problem with the whole file is reported: every diagnostic has a position. */
const FILE_START = { line: 1, column: 1 } as const;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export async function readSource(input: ReadInput): Promise<ReadSource> {
  const file = new VFile({ path: input.path });
  const report = reporterFor(file, input.rules);
  let bytes = input.bytes;
  if (!bytes) {
    try {
      const read = readRegularFile(input.absolutePath, input.maxFileBytes);
      if (!read.isFile) throw Object.assign(new Error('not a regular file'), { code: 'EISDIR' });
      if (!read.bytes) {
        report('file/too-large', `File is ${read.size} bytes; the limit is ${input.maxFileBytes} (limits.maxFileBytes)`, FILE_START);
        return { file, sha256: '', text: undefined };
      }
      bytes = read.bytes;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
      report('file/unreadable', `Cannot read file (${code}): ${(error as Error).message}`, FILE_START);
      return { file, sha256: '', text: undefined };
    }
  }
  const sha256 = (input.bytes && input.sha256) || hash('sha256', bytes, 'hex');
  if (bytes.length > input.maxFileBytes) {
    report('file/too-large', `File is ${bytes.length} bytes; the limit is ${input.maxFileBytes} (limits.maxFileBytes)`, FILE_START);
    return { file, sha256, text: undefined };
  }
  if (bytes.length === 0) {
    report('file/empty', 'File is empty; an agent needs `---` frontmatter with `name` and `description`', { line: 1, column: 1 });
    return { file, sha256, text: undefined };
  }
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    const offset = firstInvalidUtf8(bytes);
    const at = createLocator(new TextDecoder().decode(bytes.subarray(0, offset)));
    report('file/encoding', `Invalid UTF-8 at byte ${offset}; save the file as UTF-8`, at.point(offset === 0 ? 0 : Number.MAX_SAFE_INTEGER));
    return { file, sha256, text: undefined };
  }
  // In UTF-8 a 0 byte is only ever U+0000, and searching the bytes is native memchr (a view, no copy).
  const nul = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).indexOf(0) === -1 ? -1 : text.indexOf('\u0000');
  if (nul !== -1) {
    report('file/nul-byte', 'File contains a NUL byte; agent files must be text', createLocator(text).point(nul));
    return { file, sha256, text: undefined };
  }
  if (text.charCodeAt(0) === 0xfeff) {
    report('file/bom', 'Byte order mark ignored', { line: 1, column: 1 });
    text = text.slice(1);
  }
  file.value = text;
  return { file, sha256, text };
}

/** Offset of the first byte that starts an invalid UTF-8 sequence. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const size = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    if (size === 0 || i + size > bytes.length) return i;
    try {
      utf8.decode(bytes.subarray(i, i + size));
    } catch {
      return i;
    }
    i += size;
  }
  return i;
}
