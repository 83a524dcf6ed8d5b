import type Stripe from 'stripe';
import type { StripeMirror } from '../models/mirror.js';
import type { SyncReport } from '../sync/index.js';
import { WebhookHookError } from './errors.js';

/** Every event type of the `Stripe.Event` union (275 in stripe 23.x). */
export type StripeEventType = Stripe.Event['type'];

/** What a hook gets beside the event: the mirror it was applied to and what the write did (`null` if ignored). */
export interface HookContext {
  mirror: StripeMirror;
  report: SyncReport | null;
}

/** A hook for one event type, receiving that type's event shape. */
export type EventHook<T extends StripeEventType> = (
  event: Extract<Stripe.Event, { type: T }>,
  context: HookContext,
) => unknown;

/** A hook for every event. */
export type AnyEventHook = (event: Stripe.Event, context: HookContext) => unknown;

/**
 * User hooks, run after the mirror applied an event, in registration order. A throwing hook marks the event failed
 * (5xx, or a queue retry), and the whole event is applied and every hook run again on the retry: hooks must be
 * idempotent (key side effects by `event.id`).
 *
 * ```ts
 * hooks.on('customer.subscription.updated', async (event) => notify(event.data.object.status));
 * hooks.on('*', (event) => metrics.increment(event.type));
 * ```
 */
export class EventHooks {
  readonly #hooks: { type: string; hook: AnyEventHook }[] = [];

  on<T extends StripeEventType>(type: T, hook: EventHook<T>): this;
  on(type: '*', hook: AnyEventHook): this;
  on(type: string, hook: AnyEventHook): this {
    return this.add(type, hook);
  }

  /** Untyped registration behind `on()`, for wrappers that expose their own typed `on()`. */
  add(type: string, hook: AnyEventHook): this {
    this.#hooks.push({ type, hook });
    return this;
  }

  /** Whether any hook runs for events of this type (the pipeline claims such events first, so hooks run once). */
  matches(type: string): boolean {
    return this.#hooks.some((registered) => registered.type === '*' || registered.type === type);
  }

  /** Runs the hooks matching the event; a failure is wrapped in {@link WebhookHookError}. */
  async run(event: Stripe.Event, context: HookContext): Promise<void> {
    for (const { type, hook } of this.#hooks) {
      if (type !== '*' && type !== event.type) continue;
      try {
        await hook(event, context);
      } catch (err) {
        throw new WebhookHookError(event.type, err);
      }
    }
  }
}

