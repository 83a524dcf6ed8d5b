import Stripe from 'stripe';
import { startFakeStripe, type FakeStripe } from '../src/index.js';
import { expect } from './support/chai.js';

describe('fake Stripe search endpoints', () => {
  let fake: FakeStripe;
  let stripe: Stripe;

  before(async () => {
    fake = await startFakeStripe({ seed: 'none' });
    stripe = fake.client();
    await stripe.customers.create({ email: 'ada@example.com', name: 'Ada Lovelace', metadata: { user_id: '1' } });
    await stripe.customers.create({ email: 'grace@example.com', name: 'Grace Hopper', metadata: { user_id: '2' } });
    await stripe.customers.create({ email: 'alan@example.com', name: 'Alan Turing', metadata: { user_id: '3' } });
  });
  after(() => fake.stop());

  it('finds a customer by metadata', async () => {
    const result = await stripe.customers.search({ query: "metadata['user_id']:'2'" });
    expect(result.object).to.equal('search_result');
    expect(result.data.map((c) => c.email)).to.deep.equal(['grace@example.com']);
  });

  it('combines clauses with AND and OR and matches substrings with ~', async () => {
    expect((await stripe.customers.search({ query: "name~'lovelace' AND email:'ada@example.com'" })).data).to.have.length(1);
    expect((await stripe.customers.search({ query: "email:'ada@example.com' OR email:'alan@example.com'" })).data).to.have.length(2);
  });

  it('negates a clause with a leading minus', async () => {
    expect((await stripe.customers.search({ query: "-metadata['user_id']:'1'" })).data).to.have.length(2);
  });

  it('pages with next_page', async () => {
    const all = await stripe.customers.search({ query: "email~'example.com'", limit: 2 }).autoPagingToArray({ limit: 10 });
    expect(all.map((c) => c.email)).to.deep.equal(['alan@example.com', 'grace@example.com', 'ada@example.com']);
  });

  it('rejects a query it cannot parse', async () => {
    await expect(stripe.customers.search({ query: 'email is ada' })).to.be.rejectedWith(Stripe.errors.StripeInvalidRequestError, 'Invalid search query');
  });
});
