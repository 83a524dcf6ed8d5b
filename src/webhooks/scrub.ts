/**
 * Removes anything that looks like a Stripe credential (`sk_…`, `rk_…`, `pk_…`, `whsec_…`) from text before it is
 * stored in the event log or logged: error messages from HTTP clients sometimes echo request headers.
 *
 * ```ts
 * scrubSecrets('Invalid API Key provided: sk_test_abc123'); // 'Invalid API Key provided: sk_test_[redacted]'
 * ```
 */
export function scrubSecrets(text: string): string {
  return text
    .replace(/\b((?:sk|rk|pk)_(?:test|live)_)[A-Za-z0-9]+/g, '$1[redacted]')
    .replace(/\b((?:sk|rk|pk)_)(?!test_|live_)[A-Za-z0-9_]{6,}/g, '$1[redacted]')
    .replace(/\bwhsec_[A-Za-z0-9+/=_-]+/g, 'whsec_[redacted]')
    .replace(/\b(v1|v0)=[0-9a-f]{32,}/g, '$1=[redacted]');
}

/** The `lastError` stored on a failed event: message and stack, scrubbed. */
export function describeError(err: unknown): { message: string; stack: string | null } {
  if (err instanceof Error) {
    return { message: scrubSecrets(err.message), stack: err.stack === undefined ? null : scrubSecrets(err.stack) };
  }
  return { message: scrubSecrets(String(err)), stack: null };
}
