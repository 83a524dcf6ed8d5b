import type Stripe from 'stripe';
import type { Document } from 'mongodb';
import { EVENT_STATUSES, type EventStatus } from '../models/event.js';
import type { StripeMirror } from '../models/mirror.js';
import type { CompanionWrite } from '../sync/index.js';
import { EventLogUnavailableError } from './errors.js';
import { eventCreated, isStripeEvent } from './event-shape.js';
import { upsertCommit, type EventUpsert } from './claim-batch.js';
import { events, type EventDocument } from './event-collection.js';
import { fulfilled, GroupCommit } from '../sync/group-commit.js';
import { describeError } from './scrub.js';
import { isThinEvent, type ThinEvent } from './thin.js';
import { assertStorable, storageFailure } from './unstorable.js';

export type { EventStatus };
export { events, type EventDocument };

/** Outcome of trying to claim one delivery: either this caller holds the lease, or the stored status says why not. */
export type ClaimResult = { claimed: true; attempts: number } | { claimed: false; status: EventStatus | 'unknown' };

/** Outcome of recording an applied event: this delivery recorded it, or the stored status says who did or holds it. */
export type RecordResult = { recorded: true } | { recorded: false; status: EventStatus | 'unknown' };

/** The two statuses of an event that is done: mirrored, or carrying nothing to mirror. */
export type DoneStatus = 'processed' | 'ignored';

/** Who brought an event into the log: a signed delivery, a replayed archive, or a backfill catch-up. */
export type EventSource = 'webhook' | 'replay' | 'backfill';

/**
 * A stored event this process now holds the lease on: a snapshot event, or a thin event kept `pending` until its
 * related object could be retrieved (the pipeline retrieves it when it processes the claim).
 */
export interface ClaimedEvent {
  event: Stripe.Event | ThinEvent;
  attempts: number;
}

/** Bookkeeping fields the log adds beside the event; everything else is the event exactly as Stripe sent it. */
const BOOKKEEPING = [
  '_id', 'status', 'attempts', 'lastError', 'receivedAt', 'processedAt', 'leaseUntil', 'nextAttemptAt',
  'stripeAccount', '_mirror',
] as const;

/** Statuses a webhook delivery may take over; `processing` only once its lease has expired. */
const DELIVERY_CLAIMABLE: readonly EventStatus[] = ['pending', 'failed', 'dead'];

/** Statuses a queue worker looks at; `processing` ones are due once their lease (= `nextAttemptAt`) has expired. */
const QUEUE_CLAIMABLE: readonly EventStatus[] = ['pending', 'failed', 'processing'];

/**
 * The `stripe_events` log of one pipeline: every write a delivery makes to it, with the group commits that let
 * concurrent deliveries share commands (claims, records and failure records share one, done marks one per status).
 * State lives here, on the pipeline's instance, never in module-level maps.
 *
 * ```ts
 * const log = new EventLog(mirror);
 * const claim = await log.claim(event, 60_000, 'webhook');
 * ```
 */
export class EventLog {
  readonly mirror: StripeMirror;
  readonly #upserts: GroupCommit<EventUpsert, number>;
  readonly #done: Record<DoneStatus, GroupCommit<string>>;

  constructor(mirror: StripeMirror) {
    this.mirror = mirror;
    this.#upserts = upsertCommit(events(mirror));
    this.#done = { processed: this.#doneMarks('processed'), ignored: this.#doneMarks('ignored') };
  }

  /**
   * Claims an event for this delivery with ONE guarded upsert: it inserts the event if new, or takes over a
   * pending/failed/dead one or one whose lease expired. When the filter misses an existing document the upsert hits
   * the `_id` index (E11000): someone else holds or finished the event, and one `findOne` tells which. Concurrent
   * upserts are group-committed (see {@link upsertCommit}). Resolves only once the claim is acknowledged. An event
   * MongoDB can never store is rejected (`WebhookRejectedError` 'unstorable_event') before it can join others in a
   * command; any other write failure is `EventLogUnavailableError`.
   */
  async claim(event: Stripe.Event, leaseMs: number, source: EventSource = 'webhook'): Promise<ClaimResult> {
    const now = new Date();
    const update = { $setOnInsert: insertFields(event, now, source), $set: leaseFields(now, leaseMs), $inc: { attempts: 1 } };
    const attempts = await this.#takeOver(event, update, true);
    return typeof attempts === 'number' ? { claimed: true, attempts } : { claimed: false, status: attempts.status };
  }

  /**
   * Records an event whose objects are already written (the apply is idempotent, so it may come first) as done, with
   * the same guarded upsert as a claim: the delivery whose record lands is the one that applied the event; a stored
   * `processed`/`ignored` event makes this delivery a duplicate, a live lease elsewhere an event in progress.
   */
  async record(event: Stripe.Event, status: DoneStatus, source: EventSource): Promise<RecordResult> {
    const now = new Date();
    const update = { $setOnInsert: insertFields(event, now, source), $set: doneFields(status, now), $inc: { attempts: 1 } };
    const recorded = await this.#takeOver(event, update, false);
    return typeof recorded === 'number' ? { recorded: true } : { recorded: false, status: recorded.status };
  }

  /**
   * The record of {@link record} as an update pipeline that never raises E11000, to ride after the event's objects in
   * one ordered command (`SyncContext.companion`, MongoDB >= 8.0): it inserts the event as done, or takes over a
   * pending/failed/dead one or one under an expired lease (keeping what is stored, counting the attempt), and leaves
   * anything else as it is (the write is then matched but not modified: not this delivery's). Built when the command
   * is, so the caller checks first that the event is storable (`assertStorable`): a throw here would fail the batch.
   */
  recordCompanion(event: Stripe.Event, status: DoneStatus, source: EventSource): CompanionWrite {
    const now = new Date();
    const { connection } = this.mirror;
    const takesOver = {
      $or: [
        { $eq: [{ $type: '$status' }, 'missing'] },
        { $in: ['$status', [...DELIVERY_CLAIMABLE]] },
        { $and: [{ $eq: ['$status', 'processing'] }, { $lte: ['$leaseUntil', now] }] },
      ],
    };
    const done = {
      $mergeObjects: [
        { _id: '$_id' },
        { $literal: insertFields(event, now, source) },
        '$$ROOT',
        { $literal: doneFields(status, now) },
        { attempts: { $add: [{ $ifNull: ['$attempts', 0] }, 1] } },
      ],
    };
    return {
      namespace: `${connection.db?.databaseName ?? connection.name}.${this.mirror.Event.collection.collectionName}`,
      filter: { _id: event.id },
      update: [{ $replaceWith: { $cond: { if: takesOver, then: done, else: '$$ROOT' } } }],
    };
  }

  /**
   * Records that applying an event this delivery did not claim failed: stored (if new) as `failed` with the scrubbed
   * error and its next attempt time, unless another delivery holds or finished it meanwhile (then it is theirs).
   */
  async recordFailure(event: Stripe.Event, err: unknown, source: EventSource, nextAttemptAt: Date): Promise<void> {
    const now = new Date();
    const failed = { status: 'failed', lastError: describeError(err), leaseUntil: null, nextAttemptAt };
    await this.#takeOver(event, { $setOnInsert: insertFields(event, now, source), $set: failed, $inc: { attempts: 1 } }, false);
  }

  /** One guarded upsert of `event` (see {@link claim}): the attempts it counted, or the stored status that won. */
  async #takeOver(event: Stripe.Event, update: Document, attempts: boolean): Promise<number | { status: EventStatus | 'unknown' }> {
    assertStorable(event);
    try {
      return await this.#upserts.add({ id: event.id, filter: takeOverFilter(event.id, new Date()), update, attempts });
    } catch (err) {
      if (!isDuplicateKey(err)) throw storageFailure(err);
    }
    return { status: await this.storedStatus(event.id) };
  }

  /**
   * Queue mode: stores the event as `pending` unless it is already known. Resolves once the write is durable; rejects
   * like {@link claim} (unstorable payload or unreachable log).
   */
  async enqueue(event: Stripe.Event): Promise<{ inserted: boolean }> {
    assertStorable(event);
    const now = new Date();
    try {
      const result = await events(this.mirror).updateOne(
        { _id: event.id },
        { $setOnInsert: { ...insertFields(event, now), status: 'pending', attempts: 0, nextAttemptAt: now } },
        { upsert: true },
      );
      return { inserted: result.upsertedCount > 0 };
    } catch (err) {
      if (isDuplicateKey(err)) return { inserted: false };
      throw storageFailure(err);
    }
  }

  /**
   * Ids of events a queue worker may claim now, soonest due first, with ONE query served by the
   * `{ status: 1, nextAttemptAt: 1 }` index: pending and failed events whose `nextAttemptAt` has come, and `processing`
   * events whose lease expired (a claim sets `nextAttemptAt` to the lease's end, so a crashed process's event falls due
   * by the same field). Candidates only: {@link claimDue} re-checks each one atomically.
   */
  async findDueIds(limit: number): Promise<string[]> {
    const docs = await guard(() =>
      events(this.mirror)
        .find(
          { status: { $in: QUEUE_CLAIMABLE }, nextAttemptAt: { $lte: new Date() } },
          { projection: { _id: 1 }, sort: { nextAttemptAt: 1 }, limit },
        )
        .toArray(),
    );
    return docs.map((doc) => doc._id);
  }

  /**
   * Claims one candidate from {@link findDueIds} by `_id` with an atomic conditional update, so two workers never
   * hold the same event: `undefined` when it is no longer due (another worker took it, or it was applied meanwhile).
   */
  claimDue(id: string, leaseMs: number): Promise<ClaimedEvent | undefined> {
    const now = new Date();
    return this.#claimStored(id, leaseMs, [
      { status: { $in: ['pending', 'failed'] }, nextAttemptAt: { $lte: now } },
      { status: 'processing', leaseUntil: { $lte: now } },
    ]);
  }

  /** Reprocessing: takes over any stored event except one another process holds right now. */
  claimStored(id: string, leaseMs: number): Promise<ClaimedEvent | undefined> {
    return this.#claimStored(id, leaseMs, [{ status: { $ne: 'processing' } }, { leaseUntil: { $lte: new Date() } }]);
  }

  async #claimStored(id: string, leaseMs: number, when: Document[]): Promise<ClaimedEvent | undefined> {
    const doc = await guard(() =>
      events(this.mirror).findOneAndUpdate(
        { _id: id, $or: when },
        { $set: leaseFields(new Date(), leaseMs), $inc: { attempts: 1 } },
        { returnDocument: 'after' },
      ),
    );
    return doc ? claimedFrom(doc) : undefined;
  }


  /**
   * Stores a thin event whose related object the mirror cannot retrieve yet (no Stripe client) as `pending` with the
   * reason, unless the log already has it: the queue worker or `reprocess` applies it once a client is configured.
   */
  async storeThinPending(event: ThinEvent, err: unknown, source: EventSource): Promise<void> {
    const now = new Date();
    const pending = { status: 'pending', attempts: 0, nextAttemptAt: now, lastError: describeError(err) };
    try {
      await events(this.mirror).updateOne({ _id: event.id }, { $setOnInsert: { ...insertFields(event, now, source), ...pending } }, { upsert: true });
    } catch (error) {
      if (!isDuplicateKey(error)) throw storageFailure(error);
    }
  }

  /**
   * Marks a claimed event done: `processed` when mirrored, `ignored` when it carried nothing to mirror. Resolves once
   * the mark is confirmed. Concurrent marks of one status share one command (see {@link GroupCommit}).
   */
  async markDone(id: string, status: DoneStatus): Promise<void> {
    await guard(() => this.#done[status].add(id));
  }

  /**
   * Records a verified event that can never apply (its payload is refused by the write path: an invalid object type
   * or field name, nesting past the limit) as `invalid` with the reason, unless another delivery finished it: Stripe
   * then gets 200 and stops retrying; `status`, metrics and `reprocess --failed` show it.
   */
  async recordInvalid(event: Stripe.Event, err: unknown, source: EventSource): Promise<RecordResult> {
    const now = new Date();
    const invalid = { status: 'invalid', lastError: describeError(err), processedAt: now, leaseUntil: null, nextAttemptAt: null };
    const update = { $setOnInsert: insertFields(event, now, source), $set: invalid, $inc: { attempts: 1 } };
    const recorded = await this.#takeOver(event, update, false);
    return typeof recorded === 'number' ? { recorded: true } : { recorded: false, status: recorded.status };
  }

  /** Marks a claimed event `failed` (retried at `nextAttemptAt`) or `dead` (parked), with the scrubbed error. */
  async markFailed(id: string, err: unknown, next: { status: 'failed' | 'dead' | 'invalid'; nextAttemptAt: Date }): Promise<void> {
    await guard(() =>
      events(this.mirror).updateOne(
        { _id: id },
        {
          $set: {
            status: next.status,
            lastError: describeError(err),
            leaseUntil: null,
            nextAttemptAt: next.status === 'failed' ? next.nextAttemptAt : null,
          },
        },
      ),
    );
  }

  /** The stored status of one event, `unknown` if it vanished in between. */
  async storedStatus(id: string): Promise<EventStatus | 'unknown'> {
    const doc = await guard(() => events(this.mirror).findOne({ _id: id }, { projection: { status: 1 } }));
    const status: unknown = doc?.status;
    return isEventStatus(status) ? status : 'unknown';
  }

  /**
   * One command per batch: a `bulkWrite` of one `updateOne` per mark rather than an `updateMany`, because
   * single-document updates stay retryable writes (the driver retries them once across a replica-set failover;
   * multi-document updates are never retried).
   */
  #doneMarks(status: DoneStatus): GroupCommit<string> {
    return new GroupCommit(async (ids) => {
      const update = { $set: doneFields(status, new Date()) };
      await events(this.mirror).bulkWrite(ids.map((id) => ({ updateOne: { filter: { _id: id }, update } })), { ordered: false });
      return ids.map(fulfilled);
    });
  }
}

/** Matches a stored event a delivery may take over: pending, failed, dead, or held under an expired lease. */
function takeOverFilter(id: string, now: Date): Document {
  return { _id: id, $or: [{ status: { $in: DELIVERY_CLAIMABLE } }, { status: 'processing', leaseUntil: { $lte: now } }] };
}

function doneFields(status: DoneStatus, now: Date): Document {
  return { status, processedAt: now, leaseUntil: null, nextAttemptAt: null, lastError: null };
}

/** The event as Stripe sent it, from a stored document (bookkeeping removed). */
export function eventFromDocument(doc: Document): Stripe.Event | undefined {
  const event = withoutBookkeeping(doc);
  return isStripeEvent(event) ? event : undefined;
}

/** A stored document's fields without the log's bookkeeping: the event as Stripe sent it. */
function withoutBookkeeping(doc: object): Record<string, unknown> {
  const fields: Record<string, unknown> = { ...doc };
  for (const field of BOOKKEEPING) delete fields[field];
  return fields;
}

function insertFields(event: Stripe.Event | ThinEvent, now: Date, source: EventSource = 'webhook'): Document {
  return {
    ...withoutBookkeeping(event),
    receivedAt: now,
    stripeAccount: 'account' in event && typeof event.account === 'string' ? event.account : 'context' in event && typeof event.context === 'string' ? event.context : null,
    _mirror: {
      watermark: 'data' in event ? eventCreated(event) : Math.floor(now.getTime() / 1000),
      source,
      sourceId: event.id,
      apiVersion: 'api_version' in event && typeof event.api_version === 'string' ? event.api_version : null,
      syncedAt: now,
    },
  };
}

/** A lease's fields: `nextAttemptAt` = its end, when a queue worker may take the event over if it is still held. */
function leaseFields(now: Date, leaseMs: number): Document {
  const leaseUntil = new Date(now.getTime() + leaseMs);
  return { status: 'processing', leaseUntil, nextAttemptAt: leaseUntil };
}

function claimedFrom(doc: Document): ClaimedEvent | undefined {
  const event = withoutBookkeeping(doc);
  return isStripeEvent(event) || isThinEvent(event) ? { event, attempts: numberField(doc, 'attempts') } : undefined;
}

async function guard<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (err) {
    throw new EventLogUnavailableError(err);
  }
}

function numberField(doc: Document | null, field: string): number {
  const value: unknown = doc?.[field];
  return typeof value === 'number' ? value : 0;
}

function isEventStatus(value: unknown): value is EventStatus {
  return EVENT_STATUSES.some((status) => status === value);
}

function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'code' in err && err.code === 11000;
}
