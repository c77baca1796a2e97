/**
 * Leader election without Web Locks: a plain-http LAN page is not a secure context, so
 * `navigator.locks` is absent there. The tabs elect one leader over a BroadcastChannel
 * (broadcast-channel's LeaderElector: a leader that closes hands over at once, one that
 * vanishes is replaced by the election's periodic fallback). Loaded only on such pages.
 * Two leaders can happen when a busy tab answers late: both then step down and stand again,
 * and one wins (https://github.com/pubkey/broadcast-channel/issues/414).
 */
export interface ElectionRoles {
  lead(): void;
  /** this tab found another leader and stepped down */
  stepDown(): void;
}

export async function electOverChannel(name: string, roles: ElectionRoles): Promise<() => void> {
  const { BroadcastChannel, createLeaderElection } = await import('broadcast-channel');
  let resigned = false;
  let current: { die(): Promise<void> } | null = null;

  const stand = () => {
    const channel = new BroadcastChannel<unknown>(`${name}:election`, { type: 'native' });
    const elector = createLeaderElection(channel);
    const end = () => elector.die().finally(() => channel.close());
    current = { die: end };
    elector.onduplicate = () => {
      if (resigned || current?.die !== end) return;
      roles.stepDown();
      void end().then(() => {
        if (!resigned) stand();
      });
    };
    void elector.awaitLeadership().then(() => {
      if (!resigned && current?.die === end) roles.lead();
    });
  };
  stand();
  return () => {
    resigned = true;
    void current?.die();
  };
}
