// A process's log file with a cap: past `maxBytes` the file becomes `<name>.1` (replacing the one
// before) and a new file starts, so each process keeps at most twice the cap on disk, the newest
// lines always in `<name>`. Writes are synchronous appends: the supervisor's few lines a second
// cost little, and a rotation can never fall between two halves of a write.
import { closeSync, openSync, renameSync, statSync, writeSync } from 'node:fs';

/** 10 MiB: about an hour of one service's log at 10 plays/s (~200 MB a day). */
export const DEFAULT_LOG_MAX_BYTES = 10 * 2 ** 20;

export interface CappedLog {
  readonly path: string;
  write(chunk: Buffer | string): void;
  close(): void;
}

export function openCappedLog(path: string, maxBytes = DEFAULT_LOG_MAX_BYTES): CappedLog {
  let fd: number | undefined;
  let size = 0;
  const open = (): number => {
    const opened = openSync(path, 'a', 0o600);
    size = statSync(path).size;
    fd = opened;
    return opened;
  };
  const rotate = (): void => {
    if (fd !== undefined) closeSync(fd);
    fd = undefined;
    renameSync(path, `${path}.1`);
  };
  return {
    path,
    write(chunk) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      let current = fd ?? open();
      if (size > 0 && size + bytes.length > maxBytes) {
        rotate();
        current = open();
      }
      writeSync(current, bytes);
      size += bytes.length;
    },
    close() {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}
