import {
  AlertEngine,
  type AlertRulesData,
  AlertStore,
  type Channel,
  Dispatcher,
  type DispatcherDeps,
  Notifier,
  type Reach,
} from '../../src/index.ts';
import { detection, ManualClock, miniLimits, miniRules, seededRandom, T0, tempDir } from './fixtures.ts';

export const LINK_SECRET = 'link-secret-for-the-tests-01';

/** Where the first police contact is reached in these tests. */
export function withPoliceReach(reach: Reach): (d: AlertRulesData) => void {
  return (d) => {
    const first = d.localities[0]?.contacts?.police?.chain[0];
    if (first !== undefined) first.reach = reach;
  };
}

/**
 * The whole delivery path on one alert file: engine → notifier → outbox → dispatcher, on a
 * manual clock. `close()` releases everything it opened.
 */
export function deliveryHarness(o: {
  edit?: (d: AlertRulesData) => void;
  channels: readonly Channel[];
  dispatcher?: Partial<DispatcherDeps>;
  path?: string;
  clock?: ManualClock;
}) {
  const tmp = o.path === undefined ? tempDir() : undefined;
  const path = o.path ?? tmp?.path ?? '';
  const clock = o.clock ?? new ManualClock(T0);
  const store = AlertStore.open({ path });
  const rules = miniRules(o.edit);
  const notifier = new Notifier({
    store,
    rules,
    now: clock.now,
    links: { baseUrl: 'https://hpg.example.org/api/v1/alerts/actions', secret: LINK_SECRET, ttlMs: 3 * 86_400_000 },
  });
  const engine = new AlertEngine({ rules, limitOf: miniLimits, startAt: T0 });
  const dispatcher = new Dispatcher({
    outbox: store.outbox,
    channels: o.channels,
    clock,
    random: seededRandom(7),
    retry: { baseMs: 5_000, maxMs: 5 * 60_000, giveUpAfterMs: 24 * 3_600_000 },
    sendTimeoutMs: 5_000,
    ...o.dispatcher,
  });

  /** Opens `n` (≤ 5) dumping incidents at distinct cameras/zones; returns their alert ids. */
  function openIncidents(n: number): string[] {
    const spots = [
      { deviceId: 'cam-a1', zone: 'bank' },
      { deviceId: 'cam-a1', zone: 'road' },
      { deviceId: 'cam-a2', zone: 'bank' },
      { deviceId: 'cam-a2', zone: 'road' },
      { deviceId: 'cam-open', siteId: 'spot-open', zone: null },
    ].slice(0, n);
    const events = spots.flatMap((s, i) => engine.detection(detection({ ...s, eventId: `e${i}`, ts: clock.now() })));
    notifier.apply(events);
    return events.map((e) => e.alert.id);
  }

  /** Advances the clock by `step` and runs a round, until `until()` or `maxMs` of clock time. */
  async function runUntil(until: () => boolean, step: number, maxMs: number): Promise<number> {
    const end = clock.now() + maxMs;
    while (!until() && clock.now() < end) {
      await dispatcher.runOnce();
      if (until()) break;
      clock.advance(step);
    }
    return clock.now();
  }

  return {
    store,
    clock,
    rules,
    notifier,
    engine,
    dispatcher,
    path,
    openIncidents,
    runUntil,
    deliveries: () => store.list({ limit: 1000 }).flatMap((r) => store.outbox.forAlert(r.alert.id)),
    close: async () => {
      await dispatcher.stop();
      store.close();
      tmp?.cleanup();
    },
  };
}
