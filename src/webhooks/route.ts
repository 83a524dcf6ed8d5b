import type Stripe from 'stripe';
import { OBJECT_TYPES } from '../models/generated/object-types.js';
import { eventAccount, eventMeaning, type EventMeaning } from './event-meanings.js';
import { isRecord, mirrorableObject, type MirrorableObject } from './event-shape.js';

/** What applying one event means: which object, whether it leaves a tombstone, how to re-retrieve it. */
export interface EventRoute {
  object: MirrorableObject;
  /**
   * `true` when Stripe deleted the object (see `eventMeaning`: `customer.deleted`, not `customer.subscription.deleted`)
   * and for deleted stubs: the document stays, marked `deleted`.
   */
  tombstone: boolean;
  /** The connected account this event deauthorized (`account.application.deauthorized`), to be marked. */
  deauthorizes: string | undefined;
  /** API path that re-retrieves the object (`{id}` and parent placeholders filled), when the type has one. */
  retrievePath: string | undefined;
}

/** Per object type facts the webhook path needs beyond the generated table. */
interface ObjectRouteRule {
  /** Overrides the generated retrieve path; `null` means the object cannot be re-retrieved on its own. */
  retrievePath: string | null;
}

/**
 * Object types whose webhook handling differs from the generated type table. Everything else routes through
 * `OBJECT_TYPES` (one line per type there): its model, and its `retrievePath` for refetching. Adding a special case
 * is one line here.
 */
const OBJECT_ROUTE_RULES = {
  /** Pre-2018 payloads of `file.created` name the object `file_upload`; it is retrieved as a file today. */
  file_upload: { retrievePath: '/v1/files/{id}' },
} satisfies Partial<Record<string, ObjectRouteRule>>;

const RULES: Readonly<Record<string, ObjectRouteRule | undefined>> = OBJECT_ROUTE_RULES;

/**
 * Routes an event by `data.object.object` and its type's meaning (`eventMeaning`): `undefined` when the payload
 * carries no Stripe object with an id nor a documented key (`balance.available`, `invoice.upcoming`, old id-less
 * discounts), which the pipeline records as `ignored`.
 *
 * ```ts
 * routeEvent(event)?.object.id; // 'cus_123'
 * ```
 */
export function routeEvent(event: Stripe.Event): EventRoute | undefined {
  const meaning = eventMeaning(event.type);
  const object = mirrorableObject(event) ?? keyedObject(event, meaning);
  if (!object) return undefined;
  return {
    object,
    tombstone: meaning?.kind === 'tombstone' || object.deleted === true,
    deauthorizes: meaning?.kind === 'deauthorize' ? eventAccount(event) : undefined,
    retrievePath: meaning?.kind === 'keyed' ? undefined : fillPath(retrieveTemplate(object.object), object),
  };
}

/** An id-less payload with a documented key (an entitlement summary: one per customer), stored under that key. */
function keyedObject(event: Stripe.Event, meaning: EventMeaning | undefined): MirrorableObject | undefined {
  const object: unknown = event.data.object;
  if (meaning?.kind !== 'keyed' || !isRecord(object) || typeof object.object !== 'string') return undefined;
  const id = meaning.key(object);
  return id === undefined ? undefined : { ...object, id, object: object.object };
}

function retrieveTemplate(objectType: string): string | undefined {
  const rule = Object.hasOwn(RULES, objectType) ? RULES[objectType] : undefined;
  if (rule) return rule.retrievePath ?? undefined;
  const generated = Object.hasOwn(OBJECT_TYPES, objectType) ? OBJECT_TYPES[objectType] : undefined;
  return generated?.retrievePath;
}

/** Fills `{id}` and parent placeholders (`{customer}`) from the object; `undefined` if one cannot be filled. */
function fillPath(template: string | undefined, object: MirrorableObject): string | undefined {
  if (template === undefined) return undefined;
  let complete = true;
  const path = template.replace(/\{([a-z_]+)\}/g, (_match, name: string) => {
    const value = idOf(object[name]);
    if (value === undefined) complete = false;
    return encodeURIComponent(value ?? '');
  });
  return complete ? path : undefined;
}

function idOf(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'object' && value !== null && 'id' in value && typeof value.id === 'string') return value.id;
  return undefined;
}
