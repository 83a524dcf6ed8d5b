/**
 * Masks a secret for display, keeping what a human needs to recognise it: the prefix and the last four characters.
 * Secrets are never printed whole.
 *
 * ```ts
 * maskSecret('sk_test_51Habcdef1234'); // 'sk_test_…1234'
 * ```
 */
export function maskSecret(secret: string): string {
  const prefix = /^(sk|rk|pk|whsec)_(test_|live_)?/.exec(secret)?.[0] ?? '';
  const tail = secret.length - prefix.length > 8 ? secret.slice(-4) : '';
  return `${prefix}…${tail}`;
}

/**
 * Hides the password of a MongoDB URI before it is printed.
 *
 * ```ts
 * redactMongoUri('mongodb://app:s3cret@db:27017/x'); // 'mongodb://app:***@db:27017/x'
 * ```
 */
export function redactMongoUri(uri: string): string {
  return uri.replace(/\/\/([^:@/]*):([^@/]*)@/, '//$1:***@');
}
