import type Stripe from 'stripe';
import { OBJECT_TYPES } from '../models/generated/object-types.js';
import { mirrorableObject, type MirrorableObject } from './event-shape.js';

/** What applying one event means: which object, whether it leaves a tombstone, how to re-retrieve it. */
export interface EventRoute {
  object: MirrorableObject;
  /** `true` for `*.deleted` events and deleted stubs: the document stays, marked `deleted`. */
  tombstone: boolean;
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
 * Routes an event by `data.object.object`: `undefined` when the payload carries no Stripe object with an id
 * (`balance.available`, `invoice.upcoming`, old id-less discounts), which the pipeline records as `ignored`.
 *
 * ```ts
 * routeEvent(event)?.object.id; // 'cus_123'
 * ```
 */
export function routeEvent(event: Stripe.Event): EventRoute | undefined {
  const object = mirrorableObject(event);
  if (!object) return undefined;
  return {
    object,
    tombstone: event.type.endsWith('.deleted') || object.deleted === true,
    retrievePath: fillPath(retrieveTemplate(object.object), object),
  };
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
