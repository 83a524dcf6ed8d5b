/**
 * A stand-in for a model that does not exist yet: every use of it (a static call, `new`, a property read,
 * `instanceof`) first resolves the real model once, then acts on it. This is what lets `import { Customer } from
 * 'stripe-mirror'` cost nothing at import time (no model on mongoose's default connection until the app uses one),
 * while `Customer` keeps its exact type and behaves as the model itself:
 *
 * ```ts
 * export const Customer = lazyModel(() => defaultMirror().Customer);
 * await Customer.findById('cus_123'); // the default mirror's models are created here, on first use
 * ```
 *
 * Statics run with the stand-in as `this`; every property they read through it is the real model's, so mongoose
 * sees the model it built. `new Customer(doc)` constructs the real model, and its documents' `constructor` is the
 * stand-in. Only `connection.model('StripeCustomer')` returns the real model itself.
 */
export function lazyModel<M extends object>(resolve: () => M): M {
  let model: M | undefined;
  const real = (): M => (model ??= adopt(resolve()));
  // Documents name their model through `doc.constructor`; pointing it at the stand-in keeps
  // `doc.constructor === Customer` true, and every use of it still reaches the real model.
  const adopt = (resolved: M): M => {
    const prototype: unknown = Reflect.get(resolved, 'prototype');
    if (typeof prototype === 'object' && prototype !== null && Reflect.get(prototype, 'constructor') === resolved) {
      Object.defineProperty(prototype, 'constructor', { value: proxy, writable: true, configurable: true, enumerable: false });
    }
    return resolved;
  };
  // A plain function as the target, so the stand-in can be called and constructed like the model it stands for.
  const target = function lazyModelTarget(): void {};
  const handler: ProxyHandler<typeof target> = {
    get: (_target, key) => Reflect.get(real(), key),
    set: (_target, key, value) => Reflect.set(real(), key, value),
    has: (_target, key) => Reflect.has(real(), key),
    deleteProperty: (_target, key) => Reflect.deleteProperty(real(), key),
    ownKeys: () => Reflect.ownKeys(real()),
    getOwnPropertyDescriptor: (_target, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(real(), key);
      // A proxy may only report a non-configurable property its target has too (the model's own `prototype`).
      if (descriptor && !descriptor.configurable) Object.defineProperty(target, key, descriptor);
      return descriptor;
    },
    defineProperty: (_target, key, descriptor) => Reflect.defineProperty(real(), key, descriptor),
    getPrototypeOf: () => Reflect.getPrototypeOf(real()),
    apply: (_target, thisArg, args) => Reflect.apply(real() as () => unknown, thisArg, args),
    construct: (_target, args, newTarget) =>
      Reflect.construct(real() as new () => object, args, newTarget === proxy ? (real() as new () => object) : newTarget),
  };
  const proxy = new Proxy(target, handler);
  return proxy as unknown as M;
}
