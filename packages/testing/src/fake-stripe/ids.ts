const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * Stripe-looking ids (`cus_0000a1Xk9QzP2m`) that sort in creation order: a base62 counter followed by deterministic
 * pseudo-random characters. Lists are ordered by (`created`, `id`), so objects created within one second still list
 * newest first, and two fakes started alike produce the same ids.
 */
export class IdFactory {
  private counter = 0;
  private state: number;

  constructor(seed = 0x5eed) {
    this.state = seed >>> 0 || 1;
  }

  /** `next('cus')` -> `cus_000001Qm3LxV8a`. */
  next(prefix: string, randomLength = 8): string {
    this.counter += 1;
    return `${prefix}_${toBase62(this.counter, 6)}${this.random(randomLength)}`;
  }

  /** Deterministic base62 characters (xorshift32), for secrets, fingerprints and request ids. */
  random(length: number): string {
    let out = '';
    for (let i = 0; i < length; i += 1) {
      let x = this.state;
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      this.state = x >>> 0;
      out += ALPHABET[this.state % 62];
    }
    return out;
  }
}

function toBase62(value: number, width: number): string {
  let out = '';
  let rest = value;
  while (rest > 0) {
    out = ALPHABET[rest % 62] + out;
    rest = Math.floor(rest / 62);
  }
  return out.padStart(width, '0');
}
