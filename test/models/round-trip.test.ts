import { expect } from '../support/chai.js';
import { EVENT_OBJECT_TYPES, StripeObject, defaultMirror } from '../../src/models/index.js';
import { expectedStored, stripeFields } from './support/expected.js';
import { clone, openApiResources } from './support/fixtures.js';

const resources = openApiResources();
const eventObjectTypes = [...new Set(Object.values(EVENT_OBJECT_TYPES).flat())].sort();
const present = eventObjectTypes.filter((type) => {
  const sample = resources[type];
  return sample !== undefined && typeof sample.id === 'string';
});

describe('StripeObject.syncFromStripeData() round trip (fixtures3, every event-emitting object type)', () => {
  it('covers most event-emitting object types with a sample that has an id', () => {
    expect(present.length).to.be.greaterThan(60);
  });

  for (const type of present) {
    it(`stores a ${type} and reads it back as sent, expanded objects as ids`, async () => {
      // fixtures3 reuses placeholder ids (`obj_123`) for nested objects too: give the root its own.
      const input = { ...clone(resources[type]!), id: `root_${type}` };
      await StripeObject.syncFromStripeData(input);

      const lean = await StripeObject.findById(input.id).lean();
      const hydrated = await defaultMirror().model(type).findById(input.id);
      expect(lean, 'lean').to.not.equal(null);
      expect(stripeFields(lean!)).to.deep.equal(expectedStored(input));
      expect(stripeFields(hydrated!.toObject())).to.deep.equal(expectedStored(input));
    });
  }
});
