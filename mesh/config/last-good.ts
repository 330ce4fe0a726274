// The last config the mesh applied, kept on disk in local mode's state folder, so that a mesh that
// starts while mesh-config/ holds a refused change (restarted by the supervisor, or a new
// `npm start`) starts with what was in force instead of not starting at all: the role etcd plays
// for a restarted istiod. The folder always wins when it loads; this is only the fallback.
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const lastGoodSchema = z.object({
  generation: z.number().int().min(1),
  appliedAt: z.string(),
  sources: z.array(z.object({ file: z.string(), text: z.string() })),
});
export type LastGood = z.infer<typeof lastGoodSchema>;

export interface LastGoodStore {
  /** What was last applied, or undefined (none yet, or unreadable). */
  read(): LastGood | undefined;
  write(state: LastGood): void;
}

export function lastGoodStore(file: string): LastGoodStore {
  return {
    read() {
      try {
        return lastGoodSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
      } catch {
        return undefined;
      }
    },
    write(state) {
      writeAtomically(file, JSON.stringify(state satisfies LastGood));
    },
  };
}

/** A sibling temporary file, flushed, renamed over `file`: a crash leaves the old one or the new. */
function writeAtomically(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    const fd = openSync(temporary, 'w', 0o600);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
