// Money in integer minor units of a currency: parsing what platforms send (decimal strings, micros) without floating point.
const MICROS_EXPONENT = 6;

let knownCurrencies: ReadonlySet<string> | undefined;

/** ISO 4217 codes this runtime knows (Intl's list), e.g. EUR, JPY, KWD. */
export function isCurrency(code: unknown): code is string {
  knownCurrencies ??= new Set(Intl.supportedValuesOf('currency'));
  return typeof code === 'string' && /^[A-Z]{3}$/.test(code) && knownCurrencies.has(code);
}

/** Digits after the decimal point in the currency's minor unit: EUR 2, JPY 0, KWD 3. */
export function currencyExponent(currency: string): number {
  if (!isCurrency(currency)) {
    throw new Error(`Unknown currency ${String(currency)}`);
  }
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** Divides with rounding half away from zero. */
function divideRounded(value: bigint, divisor: bigint): bigint {
  const negative = value < 0n;
  const magnitude = negative ? -value : value;
  const rounded = (magnitude + divisor / 2n) / divisor;
  return negative ? -rounded : rounded;
}

function toSafeNumber(value: bigint, what: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < -BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new Error(`${what} is out of range`);
  }
  return Number(value);
}

/** A decimal amount in major units ("12.34", "-0.5", "100") to minor units, rounded half away from zero. */
export function decimalToMinor(amount: string, currency: string): number {
  const match = /^(-)?(\d+)(?:\.(\d+))?$/.exec(amount.trim());
  if (!match) {
    throw new Error(`Not a decimal amount: ${JSON.stringify(amount)}`);
  }
  const exponent = currencyExponent(currency);
  const [, sign, whole, fraction = ''] = match;
  const scale = BigInt(fraction.length);
  const digits = BigInt(whole + fraction);
  const target = BigInt(exponent);
  const minor = scale <= target ? digits * 10n ** (target - scale) : divideRounded(digits, 10n ** (scale - target));
  return toSafeNumber(sign ? -minor : minor, `Amount ${amount}`);
}

/** A JSON number in major units (TikTok's budgets) to minor units, through its shortest decimal form. */
export function numberToMinor(amount: number, currency: string): number {
  if (!Number.isFinite(amount)) {
    throw new Error(`Not a finite amount: ${amount}`);
  }
  return decimalToMinor(amount.toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: 20 }), currency);
}

/** Micros (millionths of the major unit: Google's cost_micros, X's *_local_micro) to minor units. */
export function microsToMinor(micros: string | number, currency: string): number {
  const text = typeof micros === 'number' ? micros.toFixed(0) : micros.trim();
  if (!/^-?\d+$/.test(text)) {
    throw new Error(`Not an integer amount of micros: ${JSON.stringify(micros)}`);
  }
  const exponent = currencyExponent(currency);
  return toSafeNumber(divideRounded(BigInt(text), 10n ** BigInt(MICROS_EXPONENT - exponent)), `Amount of ${text} micros`);
}

/** Minor units as a decimal string in major units, for messages: 123456 EUR → "1234.56 EUR". */
export function formatMinor(minor: number, currency: string): string {
  const exponent = currencyExponent(currency);
  const negative = minor < 0;
  const digits = String(Math.abs(minor)).padStart(exponent + 1, '0');
  const major = exponent === 0 ? digits : `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
  return `${negative ? '-' : ''}${major} ${currency}`;
}

/** The most a cap may be: a billion major units, beyond any real campaign, and a safe integer. */
export function maxCapMinor(currency: string): number {
  return Math.min(Number.MAX_SAFE_INTEGER, 1_000_000_000 * 10 ** currencyExponent(currency));
}
