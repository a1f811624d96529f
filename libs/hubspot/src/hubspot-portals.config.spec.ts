import { hubSpotPortalsSchema, requestsPer10sOf, staticTokensOf } from './hubspot-portals.config';

describe('hubSpotPortalsSchema (HUBSPOT_PORTALS)', () => {
  it('defaults to no portals', () => {
    expect(hubSpotPortalsSchema.parse(undefined)).toEqual([]);
  });

  it('reads portals with an optional requestsPer10s', () => {
    const portals = hubSpotPortalsSchema.parse(
      '[{"portalId":1,"accessToken":"a"},{"portalId":2,"accessToken":"b","requestsPer10s":190}]',
    );
    expect(portals).toEqual([
      { portalId: 1, accessToken: 'a' },
      { portalId: 2, accessToken: 'b', requestsPer10s: 190 },
    ]);
    expect(staticTokensOf(portals)).toEqual(
      new Map([
        [1, 'a'],
        [2, 'b'],
      ]),
    );
    expect(requestsPer10sOf(portals)).toEqual(new Map([[2, 190]]));
  });

  it.each([
    ['not JSON', 'nope', /JSON array/],
    ['a duplicate portalId', '[{"portalId":1,"accessToken":"a"},{"portalId":1,"accessToken":"b"}]', /twice/],
    ['an unknown field', '[{"portalId":1,"accessToken":"a","x":1}]', /must be \[/],
    ['requestsPer10s 0', '[{"portalId":1,"accessToken":"a","requestsPer10s":0}]', /must be \[/],
    [
      'a negative portalId, never echoing the token',
      '[{"portalId":-1,"accessToken":"pat-secret"}]',
      /^(?![\s\S]*pat-secret)/,
    ],
  ])('rejects %s', (_name, text, message) => {
    const result = hubSpotPortalsSchema.safeParse(text);
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toMatch(message);
  });
});
