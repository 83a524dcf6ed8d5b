import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { TestingKitError } from '../errors.js';
import { OpContext, unixNow } from './context.js';
import { EventLog } from './event-log.js';
import { generateObjects, type GeneratedType } from './generate.js';
import { IdFactory } from './ids.js';
import type { StripeObjectLike } from './json.js';
import { buildAccount, ensureConnectedAccount } from './resources/accounts.js';
import { createRouter } from './routes.js';
import { seedRealistic } from './seed.js';
import { createRequestHandler, type FailRule, type RecordedRequest, type ServerState } from './server.js';
import { Store } from './store.js';

export type { StripeObjectLike as FakeStripeObject } from './json.js';
export type { FailRule, RecordedRequest } from './server.js';
export type { GeneratedType } from './generate.js';

/** Options of {@link startFakeStripe}; every field is optional. */
export interface FakeStripeOptions {
  /** Port to listen on; default 0 (a free port). */
  port?: number;
  /** Interface to listen on; default `127.0.0.1`. */
  host?: string;
  /** The secret key clients must send; default `sk_test_fake_key`. */
  apiKey?: string;
  /** `realistic` (default): a small deterministic account (see `seedRealistic`); `none`: empty. */
  seed?: 'realistic' | 'none';
  /** Delay before every response, to make timing visible in tests; default 0. */
  latencyMs?: number;
}

/**
 * What `insert()` takes: any Stripe object, typed (`Stripe.Customer`) or parsed JSON, as long as it has `id` and
 * `object`.
 */
export interface InsertableObject {
  id: string;
  object: string;
}

/** Scopes a call to a Connect account; omitted = the platform. */
export interface AccountOption {
  stripeAccount?: string;
}

/** A running fake Stripe API. See {@link startFakeStripe}. */
export interface FakeStripe {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly apiKey: string;
  /** The real `stripe` SDK pointed at the fake (`maxNetworkRetries: 0`), optionally acting as a Connect account. */
  client(options?: AccountOption): Stripe;
  /** Adds objects as they are (copied), without events. A `stripeAccount` that does not exist yet is created. */
  insert<T extends InsertableObject>(objects: readonly T[], options?: AccountOption): void;
  /** Adds `count` synthetic objects of `type`, without events (100,000 customers in well under 2 s). */
  generate(type: GeneratedType, count: number, options?: AccountOption): void;
  /** A copy of one stored object. */
  get(type: string, id: string, options?: AccountOption): StripeObjectLike | undefined;
  /** Copies of all stored objects of a type, oldest first. */
  list(type: string, options?: AccountOption): StripeObjectLike[];
  /** Every event recorded so far, all accounts, oldest first. */
  events(): Stripe.Event[];
  /** Answers the next matching request(s) with `status` (and `Retry-After` when `retryAfterSeconds` is set). */
  failNext(rule: FailRule): void;
  /** Every request received, in order. */
  readonly requests: ReadonlyArray<RecordedRequest>;
  /** Closes the listener and open sockets. */
  stop(): Promise<void>;
}

/**
 * Starts an in-memory Stripe API on a local port for the real `stripe` SDK to talk to: stateful customers,
 * subscriptions, invoices, charges, refunds, payment methods, products, prices and more, Stripe's list pagination,
 * errors, Connect scoping, idempotency and events.
 *
 * ```ts
 * const fake = await startFakeStripe({ seed: 'none' });
 * const stripe = fake.client();
 * const customer = await stripe.customers.create({ email: 'ada@example.com' });
 * await fake.stop();
 * ```
 */
export async function startFakeStripe(options: FakeStripeOptions = {}): Promise<FakeStripe> {
  const ids = new IdFactory();
  const host = options.host ?? '127.0.0.1';
  const apiKey = options.apiKey ?? 'sk_test_fake_key';
  const store = new Store(buildAccount(ids.next('acct', 10), unixNow(), { type: 'standard', email: 'platform@example.com' }));
  const state: ServerState = {
    store,
    ids,
    events: new EventLog(ids),
    router: createRouter(),
    apiKey,
    latencyMs: options.latencyMs ?? 0,
    failRules: [],
    requests: [],
    idempotency: new Map(),
  };
  if ((options.seed ?? 'realistic') === 'realistic') seedRealistic(store, ids, unixNow());
  const server = createServer(createRequestHandler(state));
  // Node's agent closes a kept-alive socket one second before the server's announced timeout: 1 s would mean a
  // new connection per request.
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return new RunningFake(server, state, host, port);
}

class RunningFake implements FakeStripe {
  readonly url: string;

  constructor(
    private readonly server: Server,
    private readonly state: ServerState,
    readonly host: string,
    readonly port: number,
  ) {
    this.url = `http://${host}:${port}`;
  }

  get apiKey(): string {
    return this.state.apiKey;
  }

  get requests(): ReadonlyArray<RecordedRequest> {
    return this.state.requests;
  }

  client(options: AccountOption = {}): Stripe {
    return new Stripe(this.state.apiKey, {
      host: this.host,
      port: this.port,
      protocol: 'http',
      maxNetworkRetries: 0,
      telemetry: false,
      ...(options.stripeAccount ? { stripeAccount: options.stripeAccount } : {}),
    });
  }

  insert<T extends InsertableObject>(objects: readonly T[], options: AccountOption = {}): void {
    for (const object of objects) {
      if (typeof object.id !== 'string' || typeof object.object !== 'string') {
        throw new TestingKitError(`fake.insert() needs Stripe objects with string 'id' and 'object' fields, got ${JSON.stringify(object).slice(0, 80)}`);
      }
    }
    // Stripe objects are JSON documents; the copy is stored as the JSON the fake serves.
    this.context(options).scope.putMany(objects.map((object) => structuredClone(object) as unknown as StripeObjectLike));
  }

  generate(type: GeneratedType, count: number, options: AccountOption = {}): void {
    if (!['customer', 'product', 'price', 'charge', 'invoice', 'subscription'].includes(type)) {
      throw new TestingKitError(`fake.generate() cannot make '${String(type)}': use customer, product, price, charge, invoice or subscription`);
    }
    generateObjects(this.context(options), type, count);
  }

  get(type: string, id: string, options: AccountOption = {}): StripeObjectLike | undefined {
    const object = this.state.store.scope(options.stripeAccount ?? null).get(type, id);
    return object === undefined ? undefined : structuredClone(object);
  }

  list(type: string, options: AccountOption = {}): StripeObjectLike[] {
    return this.state.store.scope(options.stripeAccount ?? null).collection(type).all().map((object) => structuredClone(object));
  }

  events(): Stripe.Event[] {
    return this.state.events.list();
  }

  failNext(rule: FailRule): void {
    this.state.failRules.push({ ...rule, remaining: rule.times ?? 1 });
  }

  async stop(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  /** A context without events for bulk loading, creating the Connect account on first use. */
  private context(options: AccountOption): OpContext {
    const account = options.stripeAccount ?? null;
    if (account !== null) ensureConnectedAccount(this.state.store, account, unixNow());
    const origin = { apiVersion: Stripe.API_VERSION, requestId: null, idempotencyKey: null };
    return new OpContext(this.state.store, this.state.store.scope(account), this.state.ids, null, origin, unixNow);
  }
}
