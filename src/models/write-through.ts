import type { Connection, Model, Schema } from 'mongoose';
import type { StripeObjectLike, SyncContext } from '../sync/index.js';
import { InvalidStripeObjectError, UnsupportedStripeOperationError } from './errors.js';
import { OBJECT_TYPES, type ObjectTypeInfo } from './generated/object-types.js';
import { stripeClientOf } from './registry.js';
import { asStripeObject, fillPath, stripeRequest, type StripeResponse } from './stripe-request.js';
import type { ListFromStripeResult, StoredStripeObject, StripeCallOptions, StripeDocument, StripeObjectStatics } from './types.js';

type PathKind = 'retrievePath' | 'listPath' | 'updatePath' | 'deletePath';
/** What the write-through helpers need of a model: the plugin's statics and the object type it serves. */
export type MirroredModel = Model<StoredStripeObject> & StripeObjectStatics<StripeDocument> & { stripeObjectType?: () => string };

/**
 * Names the object type a schema's model serves, so the generic write-through statics find its API paths in
 * OBJECT_TYPES. Discriminators get it from the table; the event log sets `'event'`.
 */
export function setStripeObjectType(schema: Schema, objectType: string): void {
  schema.static('stripeObjectType', () => objectType);
}

/**
 * Adds the write-through API: calls go to Stripe through the mirror's client (`rawRequest`, paths from the generated
 * table), and what Stripe answers is synced (`source: 'api'`, watermark = fetch time) before it is returned.
 */
export function addWriteThrough(schema: Schema): void {
  schema.static('retrieveFromStripe', async function retrieveFromStripe(this: Model<StoredStripeObject>, id: string, options: StripeCallOptions = {}) {
    const model = this as MirroredModel;
    const path = pathOf(model, 'retrievePath', (name) => (name === 'id' ? id : options.pathParams?.[name]));
    return syncResponse(model, await call(this.db, 'GET', path, {}, options.stripeAccount ?? null), options.stripeAccount ?? null);
  });

  schema.static('listFromStripe', async function listFromStripe(
    this: Model<StoredStripeObject>,
    params: Record<string, unknown> = {},
    options: StripeCallOptions = {},
  ): Promise<ListFromStripeResult> {
    const model = this as MirroredModel;
    const path = pathOf(model, 'listPath', (name) => options.pathParams?.[name]);
    const stripeAccount = options.stripeAccount ?? null;
    const result: ListFromStripeResult = { synced: 0, pages: 0 };
    let cursor = typeof params.starting_after === 'string' ? params.starting_after : undefined;
    for (;;) {
      const response = await call(this.db, 'GET', path, { ...params, ...(cursor ? { starting_after: cursor } : {}) }, stripeAccount);
      const page = asListPage(response.body, path);
      result.pages += 1;
      if (page.data.length > 0) {
        await model.syncManyFromStripeData(page.data, apiContext(response, stripeAccount));
        result.synced += page.data.length;
      }
      const last = page.data.at(-1)?.id;
      if (!page.has_more || !last) return result;
      cursor = last;
    }
  });

  schema.method('updateInStripe', async function updateInStripe(this: StripeDocument, params: Record<string, unknown>, options: StripeCallOptions = {}) {
    const model = modelOf(this);
    const stripeAccount = accountOf(this, options);
    const path = pathOf(model, 'updatePath', documentValues(this, options));
    return syncResponse(model, await call(model.db, 'POST', path, params, stripeAccount), stripeAccount);
  });

  schema.method('deleteInStripe', async function deleteInStripe(this: StripeDocument, options: StripeCallOptions = {}) {
    const model = modelOf(this);
    const stripeAccount = accountOf(this, options);
    const path = pathOf(model, 'deletePath', documentValues(this, options));
    return syncResponse(model, await call(model.db, 'DELETE', path, {}, stripeAccount), stripeAccount, { deleted: true });
  });

  schema.method('refreshFromStripe', async function refreshFromStripe(this: StripeDocument, options: StripeCallOptions = {}) {
    const model = modelOf(this);
    const stripeAccount = accountOf(this, options);
    const path = pathOf(model, 'retrievePath', documentValues(this, options));
    return syncResponse(model, await call(model.db, 'GET', path, {}, stripeAccount), stripeAccount);
  });
}

/**
 * Calls Stripe on behalf of a model and syncs the object it answers with: the building block of hand-written
 * actions such as `subscription.cancel()` or `invoice.pay()`.
 *
 * ```ts
 * return callAndSync(modelOf(this), 'POST', `/v1/invoices/${this.id}/pay`, {}, this.stripeAccount);
 * ```
 */
export async function callAndSync<TDocument = StripeDocument>(
  model: MirroredModel,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  params: Record<string, unknown>,
  stripeAccount: string | null,
): Promise<TDocument> {
  const document = await syncResponse(model, await call(model.db, method, path, params, stripeAccount), stripeAccount);
  // The caller names the document type of the model it passes; the model hydrated exactly that.
  return document as TDocument;
}

/** The model a document belongs to (its discriminator model when it has one). */
export function modelOf(document: object): MirroredModel {
  return document.constructor as unknown as MirroredModel;
}

/**
 * Any model built by the mirror, seen through the interface the write-through helpers use. Models typed with their
 * own document types (`CustomerModel`) are not assignable to it structurally; every one of them has the plugin.
 */
export function asMirroredModel(model: object): MirroredModel {
  return model as MirroredModel;
}

function call(connection: Connection, method: 'GET' | 'POST' | 'DELETE', path: string, params: Record<string, unknown>, stripeAccount: string | null) {
  return stripeRequest(stripeClientOf(connection), method, path, params, stripeAccount);
}

function syncResponse(model: MirroredModel, response: StripeResponse, stripeAccount: string | null, extra: SyncContext = {}) {
  return model.syncFromStripeData(asStripeObject(response.body, 'Stripe'), { ...apiContext(response, stripeAccount), ...extra });
}

function apiContext(response: StripeResponse, stripeAccount: string | null): SyncContext {
  return { watermark: response.fetchedAt, source: 'api', sourceId: null, stripeAccount, apiVersion: response.apiVersion };
}

function pathOf(model: MirroredModel, kind: PathKind, values: (name: string) => unknown): string {
  const objectType = model.stripeObjectType?.();
  const info: ObjectTypeInfo | undefined = objectType ? OBJECT_TYPES[objectType] : undefined;
  const template = info?.[kind];
  if (!objectType || !template) throw new UnsupportedStripeOperationError(objectType ?? model.modelName, kind.replace(/Path$/, ''));
  return fillPath(template, values);
}

function documentValues(document: StripeDocument, options: StripeCallOptions): (name: string) => unknown {
  return (name) => options.pathParams?.[name] ?? (name === 'id' ? document._id : document.get(name));
}

function accountOf(document: StripeDocument, options: StripeCallOptions): string | null {
  if (options.stripeAccount !== undefined) return options.stripeAccount;
  return typeof document.stripeAccount === 'string' ? document.stripeAccount : null;
}

function asListPage(body: unknown, path: string): { data: StripeObjectLike[]; has_more: boolean } {
  const page = asStripeObject(body, `GET ${path}`);
  if (page.object !== 'list' || !Array.isArray(page.data)) throw new InvalidStripeObjectError(`GET ${path} did not return a list`);
  return { data: page.data.map((item) => asStripeObject(item, `GET ${path}`)), has_more: page.has_more === true };
}
