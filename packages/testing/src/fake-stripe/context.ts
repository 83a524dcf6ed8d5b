import type { EventLog, EventOrigin, EventType } from './event-log.js';
import type { IdFactory } from './ids.js';
import type { JsonObject, StripeObjectLike } from './json.js';
import type { AccountScope, Store } from './store.js';

/**
 * What an operation needs: the account it runs in, the id factory, the clock and the event log. Routes build one per
 * request; the realistic seed builds one with a fixed clock and events switched off, so seeding runs the very same
 * operations the API runs.
 */
export class OpContext {
  constructor(
    readonly store: Store,
    readonly scope: AccountScope,
    readonly ids: IdFactory,
    private readonly events: EventLog | null,
    private readonly origin: Omit<EventOrigin, 'created'>,
    private readonly clock: () => number,
  ) {}

  /** Unix seconds. */
  now(): number {
    return this.clock();
  }

  /** Stores `object` and records `type` (with `previous_attributes` when `previous` is given). */
  save(object: StripeObjectLike, eventType?: EventType, previous?: JsonObject): StripeObjectLike {
    this.scope.put(object);
    if (eventType) this.emit(eventType, object, previous);
    return object;
  }

  emit(type: EventType, object: StripeObjectLike, previous?: JsonObject): void {
    this.events?.record(this.scope, type, object, { ...this.origin, created: this.clock() }, previous);
  }

  /** The same context in another account (Connect). */
  inAccount(account: string | null): OpContext {
    return new OpContext(this.store, this.store.scope(account), this.ids, this.events, this.origin, this.clock);
  }
}

/** Unix seconds now. */
export function unixNow(): number {
  return Math.floor(Date.now() / 1000);
}
