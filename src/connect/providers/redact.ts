/** Cuts every secret a flow held (code, client secret, tokens) out of words meant for the console and the logs. */
export function redact(words: string, secrets: readonly (string | undefined)[]): string {
  return secrets
    .filter((secret): secret is string => typeof secret === 'string' && secret.length >= 4)
    .reduce((text, secret) => text.split(secret).join('[redacted]'), words);
}
