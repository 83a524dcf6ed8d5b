import { redactSecrets } from '../../src/cli/failure.js';
import { maskSecret, redactMongoUri } from '../../src/cli/secrets.js';
import { expect } from '../support/chai.js';

describe('secret masking', () => {
  it('keeps only the prefix and the last four characters of a key', () => {
    expect(maskSecret('sk_test_51Habcdefghij1234')).to.equal('sk_test_…1234');
    expect(maskSecret('rk_live_abcdefghijkl9876')).to.equal('rk_live_…9876');
    expect(maskSecret('whsec_abcdefghijklmnop5555')).to.equal('whsec_…5555');
  });

  it('shows no characters of a secret too short to keep four safely', () => {
    expect(maskSecret('sk_test_abc')).to.equal('sk_test_…');
  });

  it('hides the password of a MongoDB URI', () => {
    expect(redactMongoUri('mongodb://app:s3cret@db.example.com:27017/x')).to.equal('mongodb://app:***@db.example.com:27017/x');
  });

  it('masks keys and webhook secrets inside a message', () => {
    expect(redactSecrets('Invalid API Key provided: sk_test_51Habcdefghij1234 (whsec_abcdefghijkl0000)')).to.equal(
      'Invalid API Key provided: sk_test_…1234 (whsec_…0000)',
    );
  });
});
