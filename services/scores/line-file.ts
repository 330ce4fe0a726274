// A file of newline-terminated records, written so that what was acknowledged is on disk and what
// was torn stays a line of its own: each append is flushed with fdatasync before it returns, and
// starts on a fresh line even if something left the file without a final newline (a write cut
// short by a full disk or a crash, or another writer), so a fragment is never glued to the next
// record. Readers get every line with its byte offset, so a bad one can be reported where it is.
import {
  closeSync,
  fdatasyncSync,
  fstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';

/** Data of one user: nobody else on the machine reads or forges it. */
const FILE_MODE = 0o600;
const DIR_MODE = 0o700;

export interface Line {
  /** Byte offset of the line's first byte. */
  offset: number;
  text: string;
}

/** Every line of the file with its offset; a missing file has none. */
export function readLines(path: string): Line[] {
  let content: Buffer;
  try {
    content = readFileSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const lines: Line[] = [];
  for (let offset = 0; offset < content.length;) {
    const end = content.indexOf(0x0a, offset);
    const stop = end === -1 ? content.length : end;
    lines.push({ offset, text: content.toString('utf8', offset, stop) });
    offset = stop + 1;
  }
  return lines;
}

/** Replaces the file with `lines` all at once: a crash leaves the old file or the new, whole. */
export function replaceLines(path: string, lines: readonly string[]): void {
  mkdirSync(dirname(path), { recursive: true, mode: DIR_MODE });
  const temporary = `${path}.compacting`;
  const fd = openSync(temporary, 'w', FILE_MODE);
  try {
    writeAll(fd, Buffer.from(lines.map((line) => `${line}\n`).join('')));
    fdatasyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
  syncDirectory(dirname(path));
}

export interface LineAppender {
  /** Appends one record (no newline in it) and returns once it is on disk. */
  append(line: string): void;
  close(): void;
}

export function openForAppend(path: string): LineAppender {
  const fd = openSync(path, 'a+', FILE_MODE);
  /** The size after our last append, when we know the file ends with our newline. */
  let knownEnd: number | undefined;
  return {
    append(line) {
      const size = fstatSync(fd).size;
      const torn = size !== knownEnd && size > 0 && lastByte(fd, size) !== 0x0a;
      const record = Buffer.from(`${torn ? '\n' : ''}${line}\n`);
      knownEnd = undefined; // until this write is known to be whole
      writeAll(fd, record);
      fdatasyncSync(fd);
      knownEnd = size + record.length;
    },
    close() {
      closeSync(fd);
    },
  };
}

function lastByte(fd: number, size: number): number {
  const byte = Buffer.alloc(1);
  readSync(fd, byte, 0, 1, size - 1);
  return byte[0] ?? 0;
}

/** writeSync may write less than asked (a full disk, a signal): keep going or throw. */
function writeAll(fd: number, data: Buffer): void {
  for (let written = 0; written < data.length;) {
    written += writeSync(fd, data, written, data.length - written);
  }
}

/** The rename itself is durable once the folder's entry is flushed. */
function syncDirectory(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fdatasyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
