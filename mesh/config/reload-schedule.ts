// When to reload after the folder changed. Editors save in several steps (truncate, write, rename),
// so a reload waits until the folder has been quiet for a moment; but a stream of writes closer
// together than that must not postpone it for ever, so it waits at most a bounded time from the
// first change of a burst. The last write always wins: a change during a load loads again after.
export interface ReloadSchedule {
  /** Something changed. */
  changed(): void;
  cancel(): void;
}

export const QUIET_MS = 150;
/** From the first change of a burst: the README promises edits apply within a second. */
export const MAX_WAIT_MS = 500;

export function reloadSchedule(
  reload: () => void,
  options: { quietMs?: number; maxWaitMs?: number } = {},
): ReloadSchedule {
  const quietMs = options.quietMs ?? QUIET_MS;
  const maxWaitMs = options.maxWaitMs ?? MAX_WAIT_MS;
  let timer: NodeJS.Timeout | undefined;
  let burstStarted: number | undefined;
  const fire = (): void => {
    timer = undefined;
    burstStarted = undefined;
    reload();
  };
  return {
    changed() {
      const now = performance.now();
      burstStarted ??= now;
      clearTimeout(timer);
      const wait = Math.min(quietMs, burstStarted + maxWaitMs - now);
      timer = setTimeout(fire, Math.max(0, wait));
    },
    cancel() {
      clearTimeout(timer);
      timer = undefined;
      burstStarted = undefined;
    },
  };
}
