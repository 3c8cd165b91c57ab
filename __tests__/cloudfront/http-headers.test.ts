/** Hop-by-hop headers (RFC 9110 section 7.6.1) are not passed on by the edge or the fault fronts. */
import { HOP_BY_HOP, stripHopByHop } from '../../harness/cloudfront/http-headers.js';

describe('stripHopByHop', () => {
  // RFC 9110's hop-by-hop fields and the proxy ones it names, Expect (answered by the proxy) and Host (the origin's own).
  const hopByHop =
    'connection keep-alive proxy-authenticate proxy-authorization proxy-connection te trailer transfer-encoding upgrade expect host';
  test.each(hopByHop.split(' '))('drops %s by default, in any case, and keeps the end-to-end headers', (name) => {
    expect(HOP_BY_HOP).toContain(name);
    const out = stripHopByHop({ [name]: 'v', [name.toUpperCase()]: 'V', 'x-keep': 'k', accept: 'text/plain' });
    expect(out).toEqual({ 'x-keep': 'k', accept: 'text/plain' });
  });

  test('drops the headers Connection names, trimmed and in any case, and only those', () => {
    const out = stripHopByHop({ connection: ' X-Hop ,, x-Other,close', 'x-hop': '1', 'x-other': '2', close: '3', 'x-keep': 'k' });
    expect(out).toEqual({ 'x-keep': 'k' });
  });

  test('drops hop-by-hop headers and those Connection names together', () => {
    expect(
      stripHopByHop({ connection: 'keep-alive, x-hop', 'x-hop': '1', 'keep-alive': 'timeout=5', host: 'h', 'x-keep': 'k', te: 'trailers' }),
    ).toEqual({ 'x-keep': 'k' });
  });

  test('an empty or missing Connection drops nothing else; undefined values are left out', () => {
    expect(stripHopByHop({ connection: '', 'x-a': 'a' })).toEqual({ 'x-a': 'a' });
    expect(Object.keys(stripHopByHop({ 'x-a': 'a', 'x-b': undefined }))).toEqual(['x-a']);
  });

  test('names come out lower-case; list values are kept as lists', () => {
    expect(stripHopByHop({ 'X-Mixed': 'm', 'Set-Cookie': ['a=1', 'b=2'] })).toEqual({ 'x-mixed': 'm', 'set-cookie': ['a=1', 'b=2'] });
  });

  test('a drop list given replaces the default one', () => {
    expect(stripHopByHop({ host: 'h', 'content-length': '3', te: 'trailers' }, ['content-length'])).toEqual({ host: 'h', te: 'trailers' });
  });
});
