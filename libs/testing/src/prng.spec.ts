import { SeededRandom } from './prng';

describe('SeededRandom', () => {
  it('repeats the mulberry32 sequence for a seed', () => {
    const a = new SeededRandom(1);
    expect([a.next(), a.next(), a.next()]).toEqual([
      0.6270739405881613, 0.002735721180215478, 0.5274470399599522,
    ]);
  });

  it('keeps int() within inclusive bounds', () => {
    const r = new SeededRandom(7);
    const values = Array.from({ length: 1000 }, () => r.int(1, 3));
    expect(new Set(values)).toEqual(new Set([1, 2, 3]));
  });
});
