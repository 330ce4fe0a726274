// What went wrong with a call to another process, in one line a person can act on.

/** fetch() fails with a bare "fetch failed"; the reason (ECONNREFUSED, a timeout) is its cause. */
export function errorMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause: unknown = error.cause;
  return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
}
