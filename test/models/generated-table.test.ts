import { readFileSync } from 'node:fs';
import { expect } from '../support/chai.js';
import { generateObjectTypes } from '../../scripts/generate-object-types.js';
import { EVENT_OBJECT_TYPES, OBJECT_TYPES, STRIPE_OBJECT_TYPES } from '../../src/models/index.js';
import { expandableFields } from '../../src/models/expandable.js';

const GENERATED = new URL('../../src/models/generated/object-types.ts', import.meta.url);

describe('generated object type table', function () {
  this.timeout(60_000);

  it('matches what scripts/generate-object-types.ts produces from the installed stripe package', () => {
    const committed = readFileSync(GENERATED, 'utf8');
    expect(generateObjectTypes() === committed, 'stale: run node --import tsx scripts/generate-object-types.ts').to.equal(true);
  });

  it('maps all 275 event types of the Stripe.Event union', () => {
    expect(Object.keys(EVENT_OBJECT_TYPES)).to.have.length(275);
  });

  it('covers the 84 object types that emit events, each with a model', () => {
    const emitting = new Set(Object.values(EVENT_OBJECT_TYPES).flat());
    expect(emitting.size).to.equal(84);
    for (const type of emitting) expect(OBJECT_TYPES[type], type).to.be.an('object');
  });

  it('also covers listable types that emit no events', () => {
    expect(OBJECT_TYPES.country_spec?.listPath).to.equal('/v1/country_specs');
    expect(STRIPE_OBJECT_TYPES.length).to.be.greaterThan(84);
  });

  it('routes polymorphic events to every object type they carry', () => {
    expect(EVENT_OBJECT_TYPES['customer.source.created']).to.have.members(['account', 'bank_account', 'card', 'source']);
    expect(EVENT_OBJECT_TYPES['customer.subscription.updated']).to.equal('subscription');
  });

  it('gives the API paths of a resource, parent placeholders named after the fields that hold them', () => {
    expect(OBJECT_TYPES.customer).to.include({
      retrievePath: '/v1/customers/{id}',
      listPath: '/v1/customers',
      updatePath: '/v1/customers/{id}',
      deletePath: '/v1/customers/{id}',
    });
    expect(OBJECT_TYPES.person?.retrievePath).to.equal('/v1/accounts/{account}/persons/{id}');
  });

  it('lists nested expandable fields as dotted paths and includable lists, but not lists Stripe always embeds', () => {
    expect(OBJECT_TYPES.customer?.expandable).to.include.members(['invoice_settings.default_payment_method', 'subscriptions']);
    expect(OBJECT_TYPES.subscription?.expandable).to.include.members(['customer', 'latest_invoice', 'default_payment_method']);
    expect(OBJECT_TYPES.subscription?.expandable).to.not.include('items');
    expect(OBJECT_TYPES.invoice?.expandable).to.not.include('lines');
  });

  it('merges expandable fields of older API versions from the hand-written legacy table', () => {
    expect(expandableFields('invoice')).to.include.members(['subscription', 'charge', 'payment_intent', 'customer']);
    expect(expandableFields('no_such_type')).to.deep.equal([]);
  });
});
