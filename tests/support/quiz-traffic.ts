// Rounds played through the quiz site by a few players in a closed loop (each starts a round when
// its last one answered), so the traffic adapts to how fast the machine is instead of piling up.
export interface RoundTraffic {
  /** Stops every player after its round in flight, and says how many rounds were played. */
  stop(): Promise<number>;
}

export function playRounds(siteUrl: string, names: readonly string[]): RoundTraffic {
  let stopping = false;
  let played = 0;
  const player = async (name: string): Promise<void> => {
    const headers = { 'x-quiz-player': encodeURIComponent(name) };
    while (!stopping) {
      const response = await fetch(`${siteUrl}/api/round`, { headers });
      await response.arrayBuffer();
      played++;
    }
  };
  const players = Promise.all(names.map(player));
  return {
    async stop() {
      stopping = true;
      await players;
      return played;
    },
  };
}

/** Runs `work` while `names` play rounds; throws if not one round was played meanwhile. */
export async function whilePlaying<T>(
  siteUrl: string,
  names: readonly string[],
  work: () => Promise<T>,
): Promise<T> {
  const traffic = playRounds(siteUrl, names);
  const result = await work().finally(() => traffic.stop());
  // Stopped already: this only reads the count.
  if ((await traffic.stop()) === 0) throw new Error(`no round was played at ${siteUrl}`);
  return result;
}
