import { currencyExponent, decimalToMinor, formatMinor, isCurrency, maxCapMinor, microsToMinor, numberToMinor } from './money';

describe('money in minor units', () => {
  it('knows each currency minor unit', () => {
    expect(currencyExponent('EUR')).toBe(2);
    expect(currencyExponent('JPY')).toBe(0);
    expect(currencyExponent('KWD')).toBe(3);
    expect(isCurrency('USD')).toBe(true);
    expect(isCurrency('usd')).toBe(false);
    expect(isCurrency('XYZ')).toBe(false);
    expect(() => currencyExponent('XYZ')).toThrow('Unknown currency XYZ');
  });

  it('parses decimal strings exactly, where floating point would not', () => {
    expect(decimalToMinor('12.34', 'EUR')).toBe(1234);
    expect(decimalToMinor('0.29', 'USD')).toBe(29); // 0.29 * 100 = 28.999999999999996 in floating point
    expect(decimalToMinor('100', 'USD')).toBe(10000);
    expect(decimalToMinor('1.5', 'JPY')).toBe(2);
    expect(decimalToMinor('1.2345', 'KWD')).toBe(1235);
    expect(decimalToMinor('-0.005', 'EUR')).toBe(-1);
    expect(decimalToMinor('90071992547409.91', 'USD')).toBe(9007199254740991);
    expect(() => decimalToMinor('1,5', 'EUR')).toThrow('Not a decimal amount');
    expect(() => decimalToMinor('1e3', 'EUR')).toThrow('Not a decimal amount');
    expect(() => decimalToMinor('90071992547409.92', 'USD')).toThrow('out of range');
  });

  it('converts micros with rounding half away from zero', () => {
    expect(microsToMinor('12345678', 'USD')).toBe(1235);
    expect(microsToMinor('12344999', 'USD')).toBe(1234);
    expect(microsToMinor('5000000', 'JPY')).toBe(5);
    expect(microsToMinor('1234567', 'KWD')).toBe(1235);
    expect(microsToMinor(2_500_000, 'EUR')).toBe(250);
    expect(microsToMinor('99999999999999499999', 'JPY')).toBe(99999999999999);
    expect(() => microsToMinor('12.5', 'USD')).toThrow('Not an integer amount of micros');
  });

  it('reads JSON numbers through their decimal form', () => {
    expect(numberToMinor(50.1, 'USD')).toBe(5010);
    expect(numberToMinor(0.29, 'USD')).toBe(29);
    expect(() => numberToMinor(1e21, 'JPY')).toThrow('out of range');
    expect(() => numberToMinor(Number.NaN, 'USD')).toThrow('Not a finite amount');
  });

  it('formats for messages and bounds caps per currency', () => {
    expect(formatMinor(123456, 'EUR')).toBe('1234.56 EUR');
    expect(formatMinor(5, 'EUR')).toBe('0.05 EUR');
    expect(formatMinor(-5, 'KWD')).toBe('-0.005 KWD');
    expect(formatMinor(500, 'JPY')).toBe('500 JPY');
    expect(maxCapMinor('EUR')).toBe(100_000_000_000);
    expect(maxCapMinor('JPY')).toBe(1_000_000_000);
  });
});
