import { Collection } from './collection.js';
import type { StripeObjectLike } from './json.js';

/**
 * Everything one account owns: a {@link Collection} per object type plus an id -> type map, which makes expansion
 * (`expand[]=customer`) and "which object is `pm_…`" lookups O(1). Stripe keeps deleted customers retrievable as
 * `{ id, object, deleted: true }`; `tombstones` holds those.
 */
export class AccountScope {
  readonly account: string | null;
  private readonly collections = new Map<string, Collection>();
  private readonly typeOfId = new Map<string, string>();
  readonly tombstones = new Map<string, StripeObjectLike>();

  constructor(account: string | null) {
    this.account = account;
  }

  collection(type: string): Collection {
    let collection = this.collections.get(type);
    if (!collection) {
      collection = new Collection();
      this.collections.set(type, collection);
    }
    return collection;
  }

  get(type: string, id: string): StripeObjectLike | undefined {
    return this.collections.get(type)?.get(id);
  }

  /** The object with this id, whatever its type. */
  find(id: string): StripeObjectLike | undefined {
    const type = this.typeOfId.get(id);
    return type === undefined ? undefined : this.get(type, id);
  }

  put(object: StripeObjectLike): StripeObjectLike {
    this.collection(object.object).put(object);
    this.typeOfId.set(object.id, object.object);
    return object;
  }

  putMany(objects: readonly StripeObjectLike[]): void {
    const byType = new Map<string, StripeObjectLike[]>();
    for (const object of objects) {
      const group = byType.get(object.object) ?? [];
      group.push(object);
      byType.set(object.object, group);
      this.typeOfId.set(object.id, object.object);
    }
    for (const [type, group] of byType) this.collection(type).putMany(group);
  }

  remove(type: string, id: string): StripeObjectLike | undefined {
    this.typeOfId.delete(id);
    return this.collections.get(type)?.remove(id);
  }

  /** Objects of a type matching `filter`, oldest first (a scan: for small related sets, not for list pages). */
  where(type: string, filter: (object: StripeObjectLike) => boolean): StripeObjectLike[] {
    return (this.collections.get(type)?.all() ?? []).filter(filter);
  }
}

/** All accounts of the fake: the platform (`null`) and each Connect account, fully isolated from one another. */
export class Store {
  private readonly scopes = new Map<string | null, AccountScope>();

  /** The platform's own account (`GET /v1/account`); Connect accounts live in the platform's `account` collection. */
  constructor(readonly platformAccount: StripeObjectLike) {}

  scope(account: string | null): AccountScope {
    let scope = this.scopes.get(account);
    if (!scope) {
      scope = new AccountScope(account);
      this.scopes.set(account, scope);
    }
    return scope;
  }

  get platform(): AccountScope {
    return this.scope(null);
  }

  allScopes(): AccountScope[] {
    return [...this.scopes.values()];
  }
}
