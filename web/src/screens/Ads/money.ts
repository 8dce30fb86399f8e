// Money in integer minor units of a currency, as the service keeps it (src/ads/money.ts): shown with the currency and
// its own number of decimals (EUR 2, JPY 0, KWD 3), typed in major units and turned back into minor units without
// floating point.

/** Digits after the decimal point in the currency's minor unit. */
export function currencyExponent(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** 123456 EUR → "1234.56" (exact: string arithmetic, no division). */
export function minorToDecimal(minor: number, currency: string): string {
  const exponent = currencyExponent(currency);
  const negative = minor < 0;
  const digits = String(Math.abs(Math.trunc(minor))).padStart(exponent + 1, '0');
  const major = exponent === 0 ? digits : `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
  return `${negative ? '-' : ''}${major}`;
}

/** 123456 EUR → "€1,234.56" in the reader's locale; the currency code when the locale has no symbol. */
export function formatMoney(minor: number, currency: string): string {
  const exponent = currencyExponent(currency);
  try {
    const format = new Intl.NumberFormat(undefined, { style: 'currency', currency, minimumFractionDigits: exponent, maximumFractionDigits: exponent });
    // Intl formats a decimal string exactly (no binary rounding of large amounts).
    return format.format(minorToDecimal(minor, currency) as unknown as number);
  } catch {
    return `${minorToDecimal(minor, currency)} ${currency}`;
  }
}

/** "500", "500.5", "1,234.56" in major units → minor units; an error sentence when it is not an amount of this currency. */
export function parseMajor(text: string, currency: string): { minor: number } | { error: string } {
  const exponent = currencyExponent(currency);
  const cleaned = text.trim().replace(/[,\s]/g, '');
  const match = /^(\d+)(?:\.(\d*))?$/.exec(cleaned);
  if (!match) {
    return { error: `Enter an amount in ${currency}, e.g. ${exponent === 0 ? '500' : `500.${'0'.repeat(exponent)}`}` };
  }
  const [, whole, fraction = ''] = match;
  if (fraction.length > exponent) {
    return { error: exponent === 0 ? `${currency} has no decimals` : `${currency} has ${exponent} decimals at most` };
  }
  const minor = Number(whole + fraction.padEnd(exponent, '0'));
  if (!Number.isSafeInteger(minor)) {
    return { error: 'That amount is too large' };
  }
  return { minor };
}
