// wake() (called after every enqueue, and by stop) reaches every idle
// worker at once, so work never waits for a poll. A fake queue that is
// always empty counts the workers' claims.
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { readKratixConfig } from '../config';
import { KratixStore } from '../database/KratixStore';
import { eventually } from '../__testUtils__/startKratix';
import { settle } from '../__testUtils__/kratixApi';
import { Reconciler } from './Reconciler';

const POLL_MS = 3000;

/** A Reconciler on an empty queue; `due` answers nextDueAt. */
function emptyQueue(options: {
  concurrency: number;
  due?: () => Date | undefined;
  claim?: () => Promise<void>;
}) {
  const counts = { claims: 0 };
  const store = {
    claimNext: async () => {
      counts.claims++;
      await options.claim?.();
      return undefined;
    },
    nextDueAt: async () => options.due?.(),
  } as unknown as KratixStore;
  const reconciler = new Reconciler({
    store,
    runner: {} as any,
    stateStore: {} as any,
    logger: mockServices.logger.mock(),
    config: {
      ...readKratixConfig(new ConfigReader({})),
      concurrency: options.concurrency,
      pollIntervalMs: POLL_MS,
    },
  });
  return { reconciler, counts };
}

const claimsReach = (counts: { claims: number }, n: number) =>
  eventually(async () => (counts.claims >= n ? true : undefined), 1000);

describe('Reconciler.wake', () => {
  it('wakes every sleeping worker, also after one woke from its own timer', async () => {
    let dues = 0;
    // The first worker to sleep is due again soon; the other polls.
    const due = () => (dues++ === 0 ? new Date(Date.now() + 50) : undefined);
    const { reconciler, counts } = emptyQueue({ concurrency: 2, due });
    const started = Date.now();
    reconciler.start();
    try {
      await claimsReach(counts, 3);
      await settle(50);
      reconciler.wake();
      await settle(100);
      expect(counts.claims).toBe(5);
    } finally {
      await reconciler.stop();
    }
    expect(Date.now() - started).toBeLessThan(POLL_MS);
  });

  it('does not sleep through a wake that came while it was claiming', async () => {
    let release = () => {};
    const claim = () => new Promise<void>(r => (release = r));
    const { reconciler, counts } = emptyQueue({ concurrency: 1, claim });
    reconciler.start();
    try {
      await claimsReach(counts, 1);
      reconciler.wake();
      release();
      await claimsReach(counts, 2);
      expect(counts.claims).toBe(2);
    } finally {
      release();
      await reconciler.stop();
    }
  });
});
