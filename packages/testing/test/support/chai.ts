import * as chai from 'chai';
import chaiAsPromised from 'chai-as-promised';

chai.use(chaiAsPromised);

/** chai's `expect` with chai-as-promised (`await expect(p).to.be.rejectedWith(X)`). Import it from here in tests. */
export const { expect } = chai;
