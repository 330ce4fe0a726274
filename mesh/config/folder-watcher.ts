// Tells the control plane that mesh-config/ may have changed. fs.watch alone watches the folder's
// inode: replace the folder (rm -rf and copy back, as editors and git checkout do) and it goes
// quiet for good. So the folder's parent is watched too, the folder's watcher is re-established
// whenever the folder is a new one, and a poll of the files' sizes and times catches what events
// miss (a lost inotify event, a file system without them).
import { readdirSync, statSync, watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { isMeshConfigFile } from './config-files.ts';

export interface FolderWatcher {
  close(): void;
}

export const POLL_MS = 1_000;

export function watchFolder(dir: string, onChange: () => void, pollMs = POLL_MS): FolderWatcher {
  let folder: { watcher: FSWatcher; inode: number } | undefined;
  let signature = signatureOf(dir);
  // A change an event already reported: the poll only records it, so it is not reloaded twice.
  let reported = false;
  const changed = (): void => {
    reported = true;
    onChange();
  };

  const attach = (): void => {
    folder?.watcher.close();
    folder = undefined;
    const inode = inodeOf(dir);
    if (inode === undefined) return; // Not there now: the parent's watcher or the poll sees it back.
    try {
      const watcher = watch(dir, changed);
      watcher.on('error', () => {
        watcher.close();
        if (folder?.watcher === watcher) folder = undefined;
        onChange();
      });
      folder = { watcher, inode };
    } catch {
      // Gone again between stat and watch; the poll retries.
    }
  };
  /** Re-attaches when the folder is not the one watched, and reports any change seen. */
  const check = (): void => {
    if (folder === undefined || folder.inode !== inodeOf(dir)) attach();
    const now = signatureOf(dir);
    if (now !== signature && !reported) onChange();
    signature = now;
    reported = false;
  };

  attach();
  const parent = watchParent(dir, check);
  const poll = setInterval(check, pollMs);
  poll.unref();
  return {
    close() {
      clearInterval(poll);
      parent?.close();
      folder?.watcher.close();
    },
  };
}

function watchParent(dir: string, check: () => void): FSWatcher | undefined {
  const name = path.basename(dir);
  try {
    const watcher = watch(path.dirname(dir), (_event, file) => {
      if (file === null || file === name) check();
    });
    watcher.on('error', () => {
      watcher.close(); // The poll alone carries on.
    });
    return watcher;
  } catch {
    return undefined;
  }
}

function inodeOf(dir: string): number | undefined {
  try {
    const stat = statSync(dir);
    return stat.isDirectory() ? stat.ino : undefined;
  } catch {
    return undefined;
  }
}

/** The folder and its YAML files as stat sees them: any edit, rename or replacement changes it. */
function signatureOf(dir: string): string {
  try {
    const names = readdirSync(dir).filter(isMeshConfigFile).sort();
    const files = names.map((name) => {
      try {
        const stat = statSync(path.join(dir, name));
        return `${name}:${stat.ino}:${stat.size}:${stat.mtimeMs}`;
      } catch {
        return `${name}:gone`;
      }
    });
    return [String(inodeOf(dir)), ...files].join('\n');
  } catch {
    return 'absent';
  }
}
