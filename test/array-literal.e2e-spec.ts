// The array literals the dispatcher sends as text read back in PostgreSQL exactly as the values they were made from.
import { arrayLiteral } from '../src/database/array-literal';
import { TestApp } from './support/test-app';

describe('arrayLiteral', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start({ env: { DISPATCH_ENABLED: 'false' } });
  });
  afterAll(() => t.close());

  it('writes quoted elements, NULL for null, ISO times for dates', () => {
    expect(arrayLiteral(['a', null, 'say "hi"', 'back\\slash'])).toBe('{"a",NULL,"say \\"hi\\"","back\\\\slash"}');
    expect(arrayLiteral([1, true, false])).toBe('{1,true,false}');
    expect(arrayLiteral([new Date('2027-01-02T03:04:05.006Z')])).toBe('{"2027-01-02T03:04:05.006Z"}');
    expect(arrayLiteral([])).toBe('{}');
  });

  it('reads back in PostgreSQL as the same texts, whatever they hold', async () => {
    const texts = ['plain', '', 'NULL', 'with, comma', 'with {braces}', 'say "hi"', 'back\\slash\\', "it's", ' spaced ', 'línea\nnueva\t🙂', null];
    const [row] = await t.sql<{ back: (string | null)[] }>('SELECT $1::text[] AS back', [arrayLiteral(texts)]);
    expect(row.back).toEqual(texts);
  });

  it('reads back uuids, integers, booleans and times', async () => {
    const ids = ['7d1c3f5e-0000-4000-8000-000000000001', '7d1c3f5e-0000-4000-8000-000000000002'];
    const at = new Date('2027-03-28T01:30:00.123Z');
    const [row] = await t.sql<{ ids: string[]; n: number[]; b: boolean[]; at: Date[] }>(
      'SELECT $1::uuid[] AS ids, $2::int[] AS n, $3::boolean[] AS b, $4::timestamptz[] AS at',
      [arrayLiteral(ids), arrayLiteral([3, -1, null]), arrayLiteral([true, false, null]), arrayLiteral([at, null])],
    );
    expect(row).toEqual({ ids, n: [3, -1, null], b: [true, false, null], at: [at, null] });
  });
});
