import type Stripe from 'stripe';
import type { Collection, Document } from 'mongodb';
import { EVENT_STATUSES, type EventStatus } from '../models/event.js';
import type { StripeMirror } from '../models/mirror.js';
import { EventLogUnavailableError } from './errors.js';
import { eventCreated, isStripeEvent } from './event-shape.js';
import { claimCommit, type ClaimWrite } from './claim-batch.js';
import { fulfilled, GroupCommit } from './group-commit.js';
import { describeError } from './scrub.js';
import { assertStorable, storageFailure } from './unstorable.js';

export type { EventStatus };

/** Outcome of trying to claim one delivery: either this caller holds the lease, or the stored status says why not. */
export type ClaimResult = { claimed: true; attempts: number } | { claimed: false; status: EventStatus | 'unknown' };

/** Who brought an event into the log: a signed delivery, a replayed archive, or a backfill catch-up. */
export type EventSource = 'webhook' | 'replay' | 'backfill';

/** A stored event this process now holds the lease on. */
export interface ClaimedEvent {
  event: Stripe.Event;
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
 * Claims an event for this delivery with ONE guarded upsert: it inserts the event if new, or takes over a
 * pending/failed/dead one or one whose lease expired. When the filter misses an existing document the upsert hits the
 * `_id` index (E11000): someone else holds or finished the event, and one `findOne` tells which. Concurrent claims are
 * group-committed (see {@link claimCommit}): alone, a claim is written at once; under load, many share one command.
 * Resolves only once the claim is acknowledged. `source` is recorded in `_mirror.source` when the event is new to the
 * log. An event MongoDB can never store is rejected (`WebhookRejectedError` 'unstorable_event') before it can join
 * others in a command; any other write failure is `EventLogUnavailableError`.
 */
export async function claimDelivery(
  mirror: StripeMirror,
  event: Stripe.Event,
  leaseMs: number,
  source: EventSource = 'webhook',
): Promise<ClaimResult> {
  assertStorable(event);
  const now = new Date();
  try {
    const attempts = await claimsOf(mirror).add({
      id: event.id,
      filter: { _id: event.id, $or: [{ status: { $in: DELIVERY_CLAIMABLE } }, { status: 'processing', leaseUntil: { $lte: now } }] },
      update: { $setOnInsert: insertFields(event, now, source), $set: leaseFields(now, leaseMs), $inc: { attempts: 1 } },
    });
    return { claimed: true, attempts };
  } catch (err) {
    if (!isDuplicateKey(err)) throw storageFailure(err);
  }
  return { claimed: false, status: await storedStatus(mirror, event.id) };
}

/** The group commit of delivery claims, per mirror. */
const claims = new WeakMap<StripeMirror, GroupCommit<ClaimWrite, number>>();

function claimsOf(mirror: StripeMirror): GroupCommit<ClaimWrite, number> {
  let commit = claims.get(mirror);
  if (!commit) {
    commit = claimCommit(events(mirror));
    claims.set(mirror, commit);
  }
  return commit;
}

/**
 * Queue mode: stores the event as `pending` unless it is already known. Resolves once the write is durable; rejects
 * like {@link claimDelivery} (unstorable payload or unreachable log).
 */
export async function enqueueEvent(mirror: StripeMirror, event: Stripe.Event): Promise<{ inserted: boolean }> {
  assertStorable(event);
  const now = new Date();
  try {
    const result = await events(mirror).updateOne(
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
 *
 * ```ts
 * for (const id of await findDueEventIds(mirror, 32)) await claimDue(mirror, id, leaseMs);
 * ```
 */
export async function findDueEventIds(mirror: StripeMirror, limit: number): Promise<string[]> {
  const docs = await guard(() =>
    events(mirror)
      .find(
        { status: { $in: QUEUE_CLAIMABLE }, nextAttemptAt: { $lte: new Date() } },
        { projection: { _id: 1 }, sort: { nextAttemptAt: 1 }, limit },
      )
      .toArray(),
  );
  return docs.map((doc) => doc._id);
}

/**
 * Claims one candidate from {@link findDueEventIds} by `_id` with an atomic conditional update, so two workers never
 * hold the same event: `undefined` when it is no longer due (another worker took it, or it was applied meanwhile).
 */
export async function claimDue(mirror: StripeMirror, id: string, leaseMs: number): Promise<ClaimedEvent | undefined> {
  const now = new Date();
  const doc = await guard(() =>
    events(mirror).findOneAndUpdate(
      {
        _id: id,
        $or: [
          { status: { $in: ['pending', 'failed'] }, nextAttemptAt: { $lte: now } },
          { status: 'processing', leaseUntil: { $lte: now } },
        ],
      },
      { $set: leaseFields(now, leaseMs), $inc: { attempts: 1 } },
      { returnDocument: 'after' },
    ),
  );
  return doc ? claimedFrom(doc) : undefined;
}

/** Reprocessing: takes over any stored event except one another process holds right now. */
export async function claimStored(mirror: StripeMirror, id: string, leaseMs: number): Promise<ClaimedEvent | undefined> {
  const now = new Date();
  const doc = await guard(() =>
    events(mirror).findOneAndUpdate(
      { _id: id, $or: [{ status: { $ne: 'processing' } }, { leaseUntil: { $lte: now } }] },
      { $set: leaseFields(now, leaseMs), $inc: { attempts: 1 } },
      { returnDocument: 'after' },
    ),
  );
  return doc ? claimedFrom(doc) : undefined;
}

/**
 * Marks a claimed event done: `processed` when mirrored, `ignored` when it carried nothing to mirror. Resolves once
 * the mark is confirmed. Concurrent marks of one status share one command (see {@link GroupCommit}): alone, a
 * mark is one round trip as before; at high concurrency the marks of many deliveries cost one.
 */
export async function markDone(mirror: StripeMirror, id: string, status: DoneStatus): Promise<void> {
  await guard(() => doneMarksOf(mirror)[status].add(id));
}

/** Marks a claimed event `failed` (retried at `nextAttemptAt`) or `dead` (parked), with the scrubbed error. */
export async function markFailed(
  mirror: StripeMirror,
  id: string,
  err: unknown,
  next: { dead: boolean; nextAttemptAt: Date },
): Promise<void> {
  await guard(() =>
    events(mirror).updateOne(
      { _id: id },
      {
        $set: {
          status: next.dead ? 'dead' : 'failed',
          lastError: describeError(err),
          leaseUntil: null,
          nextAttemptAt: next.dead ? null : next.nextAttemptAt,
        },
      },
    ),
  );
}

type DoneStatus = 'processed' | 'ignored';

/** The group commits of done marks, per mirror and status (a batch of marks shares one update document). */
const doneMarks = new WeakMap<StripeMirror, Record<DoneStatus, GroupCommit<string>>>();

function doneMarksOf(mirror: StripeMirror): Record<DoneStatus, GroupCommit<string>> {
  let marks = doneMarks.get(mirror);
  if (!marks) {
    marks = { processed: doneMarkCommit(mirror, 'processed'), ignored: doneMarkCommit(mirror, 'ignored') };
    doneMarks.set(mirror, marks);
  }
  return marks;
}

/**
 * One command per batch: a `bulkWrite` of one `updateOne` per mark rather than an `updateMany`, because single-document
 * updates stay retryable writes (the driver retries them once across a replica-set failover; multi-document updates
 * are never retried).
 */
function doneMarkCommit(mirror: StripeMirror, status: DoneStatus): GroupCommit<string> {
  return new GroupCommit(async (ids) => {
    const update = { $set: { status, processedAt: new Date(), leaseUntil: null, nextAttemptAt: null, lastError: null } };
    await events(mirror).bulkWrite(ids.map((id) => ({ updateOne: { filter: { _id: id }, update } })), { ordered: false });
    return ids.map(fulfilled);
  });
}

/** The stored status of one event, `unknown` if it vanished in between. */
export async function storedStatus(mirror: StripeMirror, id: string): Promise<EventStatus | 'unknown'> {
  const doc = await guard(() => events(mirror).findOne({ _id: id }, { projection: { status: 1 } }));
  const status: unknown = doc?.status;
  return isEventStatus(status) ? status : 'unknown';
}

/** The event as Stripe sent it, from a stored document (bookkeeping removed). */
export function eventFromDocument(doc: Document): Stripe.Event | undefined {
  const event: Record<string, unknown> = { ...doc };
  for (const field of BOOKKEEPING) delete event[field];
  return isStripeEvent(event) ? event : undefined;
}

/** The driver collection behind `mirror.Event`: writes bypass mongoose casting so the event stays byte-faithful. */
export function events(mirror: StripeMirror): Collection<EventDocument> {
  return mirror.connection.collection<EventDocument>(mirror.Event.collection.collectionName);
}

/** A stored event: `_id` is the event id, the rest is the event plus bookkeeping. */
export interface EventDocument extends Document {
  _id: string;
}

function insertFields(event: Stripe.Event, now: Date, source: EventSource = 'webhook'): Document {
  const fields: Record<string, unknown> = { ...event };
  for (const field of BOOKKEEPING) delete fields[field];
  return {
    ...fields,
    receivedAt: now,
    stripeAccount: typeof event.account === 'string' ? event.account : null,
    _mirror: {
      watermark: eventCreated(event),
      source,
      sourceId: event.id,
      apiVersion: typeof event.api_version === 'string' ? event.api_version : null,
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
  const event = eventFromDocument(doc);
  return event ? { event, attempts: numberField(doc, 'attempts') } : undefined;
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
