// The Ads screen's money: minor units shown with each currency's own decimals, and amounts typed in major units turned
// back into minor units exactly (no floating point), as the service keeps them (src/ads/money.ts).
import { formatMinor } from '../src/ads/money';
import { currencyExponent, formatMoney, minorToDecimal, parseMajor } from '../web/src/screens/Ads/money';

describe('console money', () => {
  it('knows each currency’s minor unit: EUR 2, JPY 0, KWD 3', () => {
    expect([currencyExponent('EUR'), currencyExponent('JPY'), currencyExponent('KWD')]).toEqual([2, 0, 3]);
  });

  it('writes minor units as the decimal the service writes', () => {
    for (const [minor, currency] of [[123456, 'EUR'], [5, 'EUR'], [123456, 'JPY'], [1234567, 'KWD'], [-250, 'USD']] as const) {
      expect(`${minorToDecimal(minor, currency)} ${currency}`).toBe(formatMinor(minor, currency));
    }
  });

  it('shows the currency with its own decimals, exact for large amounts', () => {
    expect(formatMoney(123456, 'JPY')).toMatch(/123,456/);
    expect(formatMoney(123456, 'JPY')).not.toMatch(/\./);
    expect(formatMoney(1234567, 'KWD')).toMatch(/1,234\.567/);
    expect(formatMoney(900719925474099, 'EUR')).toMatch(/9,007,199,254,740\.99/);
  });

  it('reads amounts typed in major units, refusing more decimals than the currency has', () => {
    expect(parseMajor('100.5', 'EUR')).toEqual({ minor: 10050 });
    expect(parseMajor('1,234.56', 'EUR')).toEqual({ minor: 123456 });
    expect(parseMajor('0.29', 'EUR')).toEqual({ minor: 29 });
    expect(parseMajor('500', 'JPY')).toEqual({ minor: 500 });
    expect(parseMajor('5.5', 'JPY')).toEqual({ error: 'JPY has no decimals' });
    expect(parseMajor('1.2345', 'KWD')).toEqual({ error: 'KWD has 3 decimals at most' });
    expect(parseMajor('-3', 'EUR')).toHaveProperty('error');
    expect(parseMajor('ten', 'EUR')).toHaveProperty('error');
  });
});
