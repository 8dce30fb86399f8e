import { exceedsDepth, problemInUrl, problemInValue } from './json-body';

describe('request body and URL checks', () => {
  it('counts nesting outside strings only, escapes included', () => {
    expect(exceedsDepth(Buffer.from('[[[1]]]'), 3)).toBe(false);
    expect(exceedsDepth(Buffer.from('[[[[1]]]]'), 3)).toBe(true);
    expect(exceedsDepth(Buffer.from('{"a":"[[[[[[\\"[[[[","b":[1]}'), 2)).toBe(false);
    expect(exceedsDepth(Buffer.from('[{"é[":[{}]}]'), 4)).toBe(false);
  });

  it('names the first bad string or key by its path', () => {
    expect(problemInValue({ a: [{ b: 'ok' }, { 'c-d': 'x\u0000' }] }, 'body')).toBe('body.a[1]["c-d"] must not contain the NUL character (\\u0000)');
    expect(problemInValue({ ['\udfff']: 1 }, 'body')).toBe('a key of body is not well-formed Unicode (it contains a lone surrogate)');
    expect(problemInValue({ text: '🍂 \ud83c\udf42 ok' }, 'body')).toBeNull();
  });

  it('refuses NUL and bytes that are not UTF-8 in the path and query string', () => {
    expect(problemInUrl('/api/posts?from=2026-01-01T00:00:00%2B01:00&label=caf%C3%A9')).toBeNull();
    expect(problemInUrl('/api/posts?label=%00')).toBe('query parameter label must not contain the NUL character (%00)');
    expect(problemInUrl('/api/posts?label=%ED%A0%80')).toBe('query parameter label is not well-formed Unicode (its percent-encoded bytes are not UTF-8)');
    expect(problemInUrl('/api/posts/%FF')).toBe('the path is not well-formed Unicode (its percent-encoded bytes are not UTF-8)');
    expect(problemInUrl('/api/posts?%00=1')).toBe('a query parameter name must not contain the NUL character (%00)');
  });
});
