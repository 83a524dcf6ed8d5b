import type Stripe from 'stripe';
import { defaultMirror, type StripeMirror } from '../models/mirror.js';
import type { CompanionWrite, SyncContext, SyncReport } from '../sync/index.js';
import { EventWriteUnconfirmedError } from './errors.js';
import { eventCreated, type MirrorableObject } from './event-shape.js';
import { EventHooks } from './hooks.js';
import { silentLogger, type RefetchPolicy, type WebhookLogger } from './options.js';
import { refetchObject, shouldRefetch } from './refetch.js';
import { markDeauthorized } from './deauthorize.js';
import { routeEvent, type EventRoute } from './route.js';

/** Options of {@link applyStripeEvent}; the webhook handler passes its own resolved options. */
export interface ApplyOptions {
  /** Default `defaultMirror()`. */
  mirror?: StripeMirror;
  /** Default `false`: trust the payload. */
  refetch?: RefetchPolicy;
  /** Default silent. */
  logger?: WebhookLogger;
  /** Recorded in `_mirror.source` of every document written. Default `'replay'`. */
  source?: 'webhook' | 'replay' | 'backfill' | 'manual';
  /** Hooks to run after applying (a handler's `hooks`). Default none. */
  hooks?: EventHooks;
  /** Written after the event's objects in the same command where the server can (see `SyncContext.companion`). */
  companion?: () => CompanionWrite;
}

/** What applying one event did: `ignored` when it carried nothing to mirror (hooks still ran). */
export interface ApplyResult {
  status: 'processed' | 'ignored';
  report: SyncReport | null;
}

/**
 * Applies one event to the mirror without signature checks or the event log: the webhook pipeline runs it after
 * claiming an event. To record the event in `stripe_events` too (exactly once, visible to `status`, resumable by a
 * catch-up), use `ingestStripeEvent` instead. One `mirror.sync` (one bulkWrite) per
 * event, with the event's `created` as watermark (fetch time when refetched), its `account` as `stripeAccount`, and a
 * tombstone for `*.deleted` events. Old API versions apply as sent: the mirror stores what Stripe sent.
 *
 * ```ts
 * await applyStripeEvent(JSON.parse(line), { mirror, source: 'replay' });
 * ```
 */
export async function applyStripeEvent(event: Stripe.Event, options: ApplyOptions = {}): Promise<ApplyResult> {
  const mirror = options.mirror ?? defaultMirror();
  const logger = options.logger ?? silentLogger;
  const route = routeEvent(event);
  const report = route ? await mirrorRoute(event, route, { ...options, mirror, logger }) : null;
  if (!route) logger.info('stripe event ignored: no object with an id to mirror', { id: event.id, type: event.type });
  await options.hooks?.run(event, { mirror, report });
  return { status: route ? 'processed' : 'ignored', report };
}

async function mirrorRoute(
  event: Stripe.Event,
  route: EventRoute,
  options: ApplyOptions & { mirror: StripeMirror; logger: WebhookLogger },
): Promise<SyncReport> {
  const { mirror } = options;
  let object: MirrorableObject = route.object;
  let watermark = eventCreated(event);
  if (shouldRefetch(options.refetch ?? false, event, route)) {
    if (route.retrievePath === undefined) {
      options.logger.warn('stripe object type cannot be refetched; applying the payload', {
        id: event.id,
        objectType: object.object,
      });
    } else {
      object = await refetchObject(mirror, event, { ...route, retrievePath: route.retrievePath });
      watermark = Math.max(watermark, Math.floor(Date.now() / 1000));
    }
  }
  const context: SyncContext = {
    watermark,
    source: options.source ?? 'replay',
    sourceId: event.id,
    stripeAccount: typeof event.account === 'string' ? event.account : null,
    apiVersion: typeof event.api_version === 'string' ? event.api_version : null,
    deleted: route.tombstone,
    ...(options.companion ? { companion: options.companion } : {}),
  };
  const report = await mirror.sync(object, context);
  if (report.ids.length > 0 && report.upserted + report.modified + report.stale === 0) {
    throw new EventWriteUnconfirmedError(event.id, report.ids);
  }
  if (route.deauthorizes !== undefined) await markDeauthorized(mirror, route.deauthorizes, watermark);
  return report;
}
