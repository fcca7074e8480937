import { describe, expect, it } from 'vitest';
import { type CaptureMessage, type CaptureParseError, parseCaptureLine, tickerLevels, tradeOf } from './capture.ts';

/** Literal lines from data/binance-spot-20240808 and ../shared/data/binance-usdm-20240808. */
const REAL = {
  spotDepth:
    '1723161718251337716 {"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":1723161719526,"s":"BTCUSDT","U":50093531813,"u":50093531814,"b":[["61502.70000000","0.01307000"]],"a":[["62607.73000000","0.20000000"]]}}',
  spotDepthEmptyAsks:
    '1723161600499739486 {"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":1723161601774,"s":"BTCUSDT","U":50093421686,"u":50093421689,"b":[["61685.99000000","1.32392000"],["37170.99000000","0.00050000"]],"a":[]}}',
  spotTrade:
    '1723161254340863867 {"stream":"ethusdt@trade","data":{"e":"trade","E":1723161255612,"s":"ETHUSDT","t":1520538925,"p":"2683.80000000","q":"0.00200000","T":1723161255611,"m":true,"M":true}}',
  spotTicker:
    '1723161254024619568 {"stream":"ethusdt@bookTicker","data":{"u":35346513501,"s":"ETHUSDT","b":"2683.80000000","B":"3.02920000","a":"2683.81000000","A":"31.43950000"}}',
  // The real snapshot line has 1000 levels a side; trimmed to its first two.
  spotSnapshot:
    '1723161254206652067 {"lastUpdateId":50093239218,"bids":[["61837.63000000","3.78826000"],["61837.62000000","0.61700000"]],"asks":[["61837.64000000","1.54698000"],["61837.65000000","0.00843000"]]}',
  usdmDepth:
    '1723161432620486832 {"stream":"ethusdt@depth@0ms","data":{"e":"depthUpdate","E":1723161433890,"T":1723161433887,"s":"ETHUSDT","U":5123121087871,"u":5123121089341,"pu":5123121087651,"b":[["707.81","0.000"],["804.22","0.000"]],"a":[["2688.63","5.234"],["3636.69","0.001"],["3636.84","0.000"]]}}',
  usdmTrade:
    '1723161255290656866 {"stream":"ethusdt@trade","data":{"e":"trade","E":1723161256560,"T":1723161256560,"s":"ETHUSDT","t":4308068523,"p":"2681.62","q":"1.000","X":"MARKET","m":true}}',
  usdmTradeBuy:
    '1723161255088176367 {"stream":"btcusdt@trade","data":{"e":"trade","E":1723161256322,"T":1723161256322,"s":"BTCUSDT","t":5266583935,"p":"61800.30","q":"0.006","X":"MARKET","m":false}}',
  usdmTicker:
    '1723161255088165267 {"stream":"ethusdt@bookTicker","data":{"e":"bookTicker","u":5123107838717,"s":"ETHUSDT","b":"2681.62","B":"1.165","a":"2681.63","A":"73.077","T":1723161256310,"E":1723161256311}}',
  usdmSnapshot:
    '1723161255319702566 {"lastUpdateId":5123107852948,"E":1723161256501,"T":1723161256493,"bids":[["61800.20","2.909"],["61800.10","0.696"]],"asks":[["61800.30","1.072"],["61800.70","0.002"]]}',
} as const;

function parsed<K extends CaptureMessage['kind']>(line: string, kind: K): Extract<CaptureMessage, { kind: K }> {
  const m = parseCaptureLine(line);
  expect(m.kind, m.kind === 'error' ? m.reason : '').toBe(kind);
  return m as Extract<CaptureMessage, { kind: K }>;
}

function error(line: string): string {
  const m = parseCaptureLine(line);
  expect(m.kind).toBe('error');
  return (m as CaptureParseError).reason;
}

describe('parseCaptureLine on real lines', () => {
  it('spot depth diff: ids, levels as exact strings, receive-time ts in ms, venue event time kept apart', () => {
    expect(parsed(REAL.spotDepth, 'depth')).toEqual({
      kind: 'depth', ts: 1723161718251, venue: 'binance', symbol: 'BTCUSDT',
      U: 50093531813, u: 50093531814, pu: undefined, eventTs: 1723161719526,
      bids: [['61502.70000000', '0.01307000']], asks: [['62607.73000000', '0.20000000']],
    });
    expect(parsed(REAL.spotDepthEmptyAsks, 'depth').asks).toEqual([]);
  });

  it('USDⓈ-M depth diff carries pu and is recognised as binanceusdm', () => {
    const m = parsed(REAL.usdmDepth, 'depth');
    expect(m).toMatchObject({ venue: 'binanceusdm', symbol: 'ETHUSDT', U: 5123121087871, u: 5123121089341, pu: 5123121087651, ts: 1723161432620 });
    expect(m.asks).toHaveLength(3);
    expect(m.bids[0]).toEqual(['707.81', '0.000']);
  });

  it('trades: m=true means the taker sold; venue told apart by the "X" field', () => {
    expect(parsed(REAL.spotTrade, 'trade')).toEqual({
      kind: 'trade', ts: 1723161254340, venue: 'binance', symbol: 'ETHUSDT', id: '1520538925',
      price: '2683.80000000', amount: '0.00200000', takerSide: 'sell', tradeTs: 1723161255611,
    });
    expect(parsed(REAL.usdmTrade, 'trade')).toMatchObject({ venue: 'binanceusdm', takerSide: 'sell', id: '4308068523' });
    expect(parsed(REAL.usdmTradeBuy, 'trade')).toMatchObject({ venue: 'binanceusdm', takerSide: 'buy', symbol: 'BTCUSDT' });
  });

  it('bookTicker: u and the four decimal strings; venue told apart by the "e" field', () => {
    expect(parsed(REAL.spotTicker, 'bookTicker')).toEqual({
      kind: 'bookTicker', ts: 1723161254024, venue: 'binance', symbol: 'ETHUSDT', u: 35346513501,
      bidPrice: '2683.80000000', bidSize: '3.02920000', askPrice: '2683.81000000', askSize: '31.43950000',
    });
    expect(parsed(REAL.usdmTicker, 'bookTicker')).toMatchObject({ venue: 'binanceusdm', u: 5123107838717, askSize: '73.077' });
  });

  it('REST snapshots (spot and USDⓈ-M, extra fields ignored)', () => {
    expect(parsed(REAL.spotSnapshot, 'snapshot')).toEqual({
      kind: 'snapshot', ts: 1723161254206, lastUpdateId: 50093239218,
      bids: [['61837.63000000', '3.78826000'], ['61837.62000000', '0.61700000']],
      asks: [['61837.64000000', '1.54698000'], ['61837.65000000', '0.00843000']],
    });
    expect(parsed(REAL.usdmSnapshot, 'snapshot')).toMatchObject({ lastUpdateId: 5123107852948, ts: 1723161255319 });
  });

  it('well-formed messages of other streams are "unknown", including partial-depth streams', () => {
    for (const stream of ['btcusdt@aggTrade', 'btcusdt@depth20@100ms', 'btcusdt@kline_1m', 'btcusdt@depth5']) {
      const m = parseCaptureLine(`1723161254024619568 {"stream":"${stream}","data":{"x":1}}`);
      expect(m).toEqual({ kind: 'unknown', ts: 1723161254024, stream });
    }
  });

  it('accepts every diff-depth channel spelling', () => {
    for (const ch of ['depth', 'depth@100ms', 'depth@0ms', 'depth@250ms']) {
      const line = REAL.spotDepth.replace('btcusdt@depth@100ms', `btcusdt@${ch}`);
      expect(parseCaptureLine(line).kind).toBe('depth');
    }
  });
});

describe('parseCaptureLine: malformed lines are values with a reason, never exceptions', () => {
  const data = (d: string): string => `1723161254024619568 {"stream":"btcusdt@trade","data":${d}}`;
  const depth = (d: string): string => `1723161254024619568 {"stream":"btcusdt@depth@100ms","data":${d}}`;

  it.each([
    ['no space', '1723161254024619568{"stream":"x@trade"}', /found no space/],
    ['empty line', '', /found no space/],
    ['non-numeric prefix', 'abc {"stream":"btcusdt@trade","data":{}}', /<local_receive_ns> <json>.*prefix of "abc"/],
    ['too short a prefix', '12 {}', /prefix of "12"/],
    ['negative prefix', '-1723161254024619568 {}', /prefix/],
    ['leading space', ' 1723161254024619568 {}', /prefix of ""/],
  ])('bad prefix: %s', (_name, line, reason) => {
    expect(error(line)).toMatch(reason);
  });

  it.each([
    ['truncated JSON', REAL.spotTrade.slice(0, 80), /malformed JSON/],
    ['not JSON at all', '1723161254024619568 hello', /malformed JSON/],
    ['JSON array', '1723161254024619568 [1,2]', /JSON is not an object/],
    ['JSON null', '1723161254024619568 null', /JSON is not an object/],
    ['JSON string', '1723161254024619568 "x"', /JSON is not an object/],
    ['object of neither shape', '1723161254024619568 {"foo":1}', /neither a stream message .* nor a depth snapshot/],
    ['stream name without @', '1723161254024619568 {"stream":"btcusdt","data":{}}', /stream name "btcusdt" is not "<symbol>@<channel>"/],
    ['stream name starting with @', '1723161254024619568 {"stream":"@trade","data":{}}', /is not "<symbol>@<channel>"/],
    ['data missing', '1723161254024619568 {"stream":"btcusdt@trade"}', /btcusdt@trade: "data" is missing or not an object/],
    ['data an array', data('[1]'), /"data" is missing or not an object/],
  ])('bad JSON / shape: %s', (_name, line, reason) => {
    expect(error(line)).toMatch(reason);
  });

  it.each([
    ['depth without U', depth('{"E":1,"u":2,"b":[],"a":[]}'), /depth update: field "U" is missing or not an integer/],
    ['depth U as a string', depth('{"E":1,"U":"1","u":2,"b":[],"a":[]}'), /field "U" is missing or not an integer/],
    ['depth u fractional', depth('{"E":1,"U":1,"u":2.5,"b":[],"a":[]}'), /field "u" is missing or not an integer/],
    ['depth u beyond 2^53', depth('{"E":1,"U":1,"u":90071992547409930,"b":[],"a":[]}'), /field "u"/],
    ['depth without E', depth('{"U":1,"u":2,"b":[],"a":[]}'), /field "E"/],
    ['depth pu as a string', depth('{"E":1,"U":1,"u":2,"pu":"0","b":[],"a":[]}'), /field "pu" is not an integer/],
    ['depth b missing', depth('{"E":1,"U":1,"u":2,"a":[]}'), /field "b" is missing or not an array/],
    ['depth a an object', depth('{"E":1,"U":1,"u":2,"b":[],"a":{}}'), /field "a" is missing or not an array/],
    ['level not a pair', depth('{"E":1,"U":1,"u":2,"b":[["1","2"],"x"],"a":[]}'), /b\[1\] is not a \[price, size\] pair of decimal strings/],
    ['level price as a number', depth('{"E":1,"U":1,"u":2,"b":[[1.5,"2"]],"a":[]}'), /b\[0\] is not a \[price, size\] pair/],
    ['negative size', depth('{"E":1,"U":1,"u":2,"b":[],"a":[["1","-2"]]}'), /a\[0\] is not a \[price, size\] pair/],
    ['exponent size', depth('{"E":1,"U":1,"u":2,"b":[],"a":[["1","1e-3"]]}'), /a\[0\]/],
    ['level missing its size', depth('{"E":1,"U":1,"u":2,"b":[["1"]],"a":[]}'), /b\[0\]/],
    ['trade without m', data('{"t":1,"p":"1","q":"1","T":1}'), /trade: field "m" is missing or not a boolean/],
    ['trade m as a string', data('{"t":1,"p":"1","q":"1","T":1,"m":"true"}'), /field "m"/],
    ['trade price as a number', data('{"t":1,"p":1.5,"q":"1","T":1,"m":true}'), /trade: field "p" is missing or not a decimal string/],
    ['trade price not decimal', data('{"t":1,"p":"NaN","q":"1","T":1,"m":true}'), /field "p"/],
    ['trade qty with a sign', data('{"t":1,"p":"1","q":"+1","T":1,"m":true}'), /field "q"/],
    ['trade id missing', data('{"p":"1","q":"1","T":1,"m":true}'), /field "t" is missing or not an integer/],
    ['trade time missing', data('{"t":1,"p":"1","q":"1","m":true}'), /field "T"/],
    ['ticker without A', '1723161254024619568 {"stream":"btcusdt@bookTicker","data":{"u":1,"b":"1","B":"1","a":"2"}}', /bookTicker: field "A" is missing or not a decimal string/],
    ['ticker u as a string', '1723161254024619568 {"stream":"btcusdt@bookTicker","data":{"u":"1","b":"1","B":"1","a":"2","A":"1"}}', /bookTicker: field "u"/],
    ['snapshot id as a string', '1723161254024619568 {"lastUpdateId":"5","bids":[],"asks":[]}', /depth snapshot: field "lastUpdateId"/],
    ['snapshot without asks', '1723161254024619568 {"lastUpdateId":5,"bids":[]}', /depth snapshot: field "asks" is missing or not an array/],
    ['snapshot bad level', '1723161254024619568 {"lastUpdateId":5,"bids":[["1",""]],"asks":[]}', /depth snapshot: bids\[0\]/],
  ])('missing field / wrong type: %s', (_name, line, reason) => {
    expect(error(line)).toMatch(reason);
  });
});

describe('tradeOf / tickerLevels', () => {
  it('tradeOf converts to Decimals exactly and keeps the receive-time ts and the id', () => {
    const t = tradeOf(parsed(REAL.spotTrade, 'trade'));
    expect(t.ts).toBe(1723161254340);
    expect(t.price.toFixed()).toBe('2683.8');
    expect(t.amount.toFixed()).toBe('0.002');
    expect(t.takerSide).toBe('sell');
    expect(t.id).toBe('1520538925');
    expect(tradeOf(parsed(REAL.usdmTradeBuy, 'trade')).takerSide).toBe('buy');
  });

  it('tickerLevels gives the best bid and ask as Decimal levels', () => {
    const { bid, ask } = tickerLevels(parsed(REAL.usdmTicker, 'bookTicker'));
    expect([bid.price.toFixed(), bid.size.toFixed(), ask.price.toFixed(), ask.size.toFixed()]).toEqual(['2681.62', '1.165', '2681.63', '73.077']);
  });
});
