import { readdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import Koa from 'koa';
import mongoose from 'mongoose';
import type { Collection, Document } from 'mongodb';
import Stripe from 'stripe';
import { stripeWebhookRouter, type StripeWebhookRouterOptions } from '../../src/koa/index.js';

/** The signing secret most tests configure. */
export const SECRET = 'whsec_test_primary_0123456789';

/** A Koa app with the webhook router, listening on a loopback port. */
export interface WebhookServer {
  url: string;
  close(): Promise<void>;
}

/** Starts a Koa app on port 0 with `stripeWebhookRouter(options)` mounted (path `/stripe/webhook` unless given). */
export async function startWebhookServer(
  options: StripeWebhookRouterOptions,
  prepare?: (app: Koa) => void,
): Promise<WebhookServer> {
  const app = new Koa();
  prepare?.(app);
  const router = stripeWebhookRouter(options);
  app.use(router.routes()).use(router.allowedMethods());
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${options.path ?? '/stripe/webhook'}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/** The `Stripe-Signature` header for a payload, computed by the `stripe` package itself. */
export function signatureHeader(payload: string, secret = SECRET, timestamp = Math.floor(Date.now() / 1000)): string {
  return Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp });
}

/** What a delivery got back. */
export interface Delivery {
  status: number;
  body: Record<string, unknown>;
}

/** POSTs an event (object or raw text) signed with `secret`, like Stripe does; `signature: null` omits the header. */
export async function deliver(
  url: string,
  event: object | string,
  options: { secret?: string; timestamp?: number; signature?: string | null } = {},
): Promise<Delivery> {
  const payload = typeof event === 'string' ? event : JSON.stringify(event, null, 2);
  const signature =
    options.signature === undefined ? signatureHeader(payload, options.secret, options.timestamp) : options.signature;
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(signature === null ? {} : { 'stripe-signature': signature }) },
    body: payload,
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

/**
 * Delivers until answered 2xx, like Stripe's retries (409 and 5xx are retried after a short pause). Returns every
 * status seen, in order.
 */
export async function deliverUntilAccepted(url: string, event: object, pauseMs = 5): Promise<number[]> {
  const statuses: number[] = [];
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const { status } = await deliver(url, event);
    statuses.push(status);
    if (status >= 200 && status < 300) return statuses;
    if (status !== 409 && status < 500) throw new Error(`delivery refused with ${status}`);
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
  throw new Error(`event never accepted: ${statuses.join(',')}`);
}

/** A parsed fixture event (kept loose: old API versions do not fit today's `Stripe.Event` types). */
export interface FixtureEvent {
  id: string;
  type: string;
  created: number;
  account?: string;
  api_version: string | null;
  data: { object: Record<string, unknown> };
  [field: string]: unknown;
}

const FIXTURES = new URL('../fixtures/', import.meta.url);
const EVENT_FOLDERS = {
  current: 'events/current/',
  'stripe-sync-engine': 'stripe-sync-engine/',
  'dj-stripe': 'dj-stripe/events/',
} as const;

/** Every `*.json` event of a fixture folder (`current`, `stripe-sync-engine`, `dj-stripe`), by file name. */
export function fixtureEvents(folder: keyof typeof EVENT_FOLDERS): { file: string; event: FixtureEvent }[] {
  const dir = new URL(EVENT_FOLDERS[folder], FIXTURES);
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({ file, event: JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as FixtureEvent }));
}

/** The 19 events of `scenario.ndjson`, in lifecycle order. */
export function scenarioEvents(): FixtureEvent[] {
  return readFileSync(new URL('events/current/scenario.ndjson', FIXTURES), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as FixtureEvent);
}

/** A deep copy of an event with a new id (and optionally other top-level fields). */
export function withId(event: FixtureEvent, id: string, patch: Partial<FixtureEvent> = {}): FixtureEvent {
  return { ...structuredClone(event), id, ...patch };
}

/** Waits until `check` returns true, polling every 10 ms, failing after `timeoutMs`. */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A seeded pseudo-random generator (mulberry32), so shuffled orders are reproducible. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher–Yates with the given generator. */
export function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

/** A stored document: the Stripe id as `_id`, any fields. */
export interface StoredDocument extends Document {
  _id: string;
}

/** A collection of the default test connection (`stripe_events`, `stripe_objects`). */
export function collection(name: 'stripe_events' | 'stripe_objects'): Collection<StoredDocument> {
  const db = mongoose.connection.db;
  if (!db) throw new Error('the test connection is not open');
  return db.collection<StoredDocument>(name);
}
