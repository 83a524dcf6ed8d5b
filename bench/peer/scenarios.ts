import { buildLifecycleStream, type WebhookEvent } from '../harness/lifecycle-stream.js';
import { Random } from '../harness/random.js';

/** One way of delivering lifecycle events, measured pair by pair on both sides. */
export interface Scenario {
  name: string;
  concurrency: number;
  /** Customer lifecycles per pair (20 events each). */
  lifecycles: number;
  /** `shuffled` also repeats {@link DUPLICATE_RATE} of the events at random places. */
  order: 'in-order' | 'shuffled';
  /** Every event of a lifecycle carries the lifecycle's first `created` second (see {@link burstLifecycles}). */
  burst: boolean;
}

/** The stream of one pair: the truth order, and what is delivered (the same bytes to both sides). */
export interface PairStream {
  inOrder: WebhookEvent[];
  deliveries: WebhookEvent[];
}

export const DUPLICATE_RATE = 0.15;

/**
 * The scenarios of a run. `quick` halves the streams (the pair count is set apart, see `run.ts`).
 *
 * ```ts
 * scenarios(false).map((s) => s.name) // -> ['in_order_c1', 'shuffled_c16', 'shuffled_c64', 'burst_in_order_c1', 'burst_shuffled_c16']
 * ```
 */
export function scenarios(quick: boolean): Scenario[] {
  const size = (lifecycles: number): number => (quick ? Math.ceil(lifecycles / 2) : lifecycles);
  return [
    { name: 'in_order_c1', concurrency: 1, lifecycles: size(25), order: 'in-order', burst: false },
    { name: 'shuffled_c16', concurrency: 16, lifecycles: size(60), order: 'shuffled', burst: false },
    { name: 'shuffled_c64', concurrency: 64, lifecycles: size(60), order: 'shuffled', burst: false },
    { name: 'burst_in_order_c1', concurrency: 1, lifecycles: size(25), order: 'in-order', burst: true },
    { name: 'burst_shuffled_c16', concurrency: 16, lifecycles: size(60), order: 'shuffled', burst: true },
  ];
}

/**
 * The events of pair `pair` of a scenario: lifecycles with ids of their own (seeded by scenario and pair, so every
 * run applies new objects, and both peer modes get the same streams), shuffled with duplicates when asked.
 */
export function pairStream(scenario: Scenario, scenarioIndex: number, pair: number): PairStream {
  const seed = 10_000 * (scenarioIndex + 1) + pair;
  const built = buildLifecycleStream({ customers: scenario.lifecycles, seed, duplicateRate: 0 }).inOrder;
  const inOrder = scenario.burst ? burstLifecycles(built) : built;
  if (scenario.order === 'in-order') return { inOrder, deliveries: inOrder };
  const rng = new Random(seed);
  const duplicates = rng.shuffle([...inOrder]).slice(0, Math.round(inOrder.length * DUPLICATE_RATE));
  return { inOrder, deliveries: rng.shuffle([...inOrder, ...duplicates]) };
}

/**
 * Same-second lifecycles: every event of a lifecycle gets the `created` of its first event, so each object's versions
 * (customer created and updated twice, subscription incomplete → active → canceled, invoices draft → open → paid,
 * the charge refunded, the payment method attached then detached) all share one second. Their order in the result is
 * still the order Stripe generated them: the truth a correct mirror must end at.
 *
 * ```ts
 * burstLifecycles(events).every((e) => e.created === events[0].created) // for a single lifecycle -> true
 * ```
 */
export function burstLifecycles(inOrder: readonly WebhookEvent[]): WebhookEvent[] {
  const firstSecond = new Map<string, number>();
  for (const event of inOrder) {
    const lifecycle = lifecycleOf(event);
    if (!firstSecond.has(lifecycle)) firstSecond.set(lifecycle, event.created);
  }
  return inOrder
    .map((event, index) => ({ event: { ...event, created: firstSecond.get(lifecycleOf(event)) ?? event.created }, index }))
    .sort((a, b) => a.event.created - b.event.created || a.index - b.index)
    .map(({ event }) => event);
}

/** Event ids are `evt_<lifecycle key><2-digit step>` (see lifecycle-stream.ts). */
function lifecycleOf(event: WebhookEvent): string {
  return event.id.slice(0, -2);
}
