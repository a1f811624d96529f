// Value pools for generated sample email events; shapes follow hubspot-api.md §2.4 and the public fixtures.

const chrome = {
  name: 'Chrome 120.0',
  family: 'Chrome',
  producer: 'Google Inc.',
  producerUrl: 'https://www.google.com/',
  type: 'Browser',
  url: 'https://www.google.com/chrome/',
  version: ['120.0'],
};
const safari = {
  name: 'Safari 17.2',
  family: 'Safari',
  producer: 'Apple Inc.',
  producerUrl: 'https://www.apple.com/',
  type: 'Browser',
  url: 'https://en.wikipedia.org/wiki/Safari_%28web_browser%29',
  version: ['17.2'],
};
const outlook = {
  name: 'Outlook 2019',
  family: 'Outlook',
  producer: 'Microsoft Corporation.',
  producerUrl: 'https://www.microsoft.com/about/',
  type: 'Email client',
  url: 'https://en.wikipedia.org/wiki/Microsoft_Outlook',
  version: ['2019'],
};
const firefoxMobile = {
  name: 'Firefox Mobile 121.0',
  family: 'Firefox',
  producer: 'Mozilla Foundation',
  producerUrl: 'https://www.mozilla.org/',
  type: 'Mobile Browser',
  url: 'https://www.mozilla.org/firefox/',
  version: ['121.0'],
};

/** A reader's client: browser object, user agent and device type always go together. */
export const CLIENTS = [
  {
    browser: chrome,
    deviceType: 'COMPUTER',
    userAgent:
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
  },
  {
    browser: safari,
    deviceType: 'MOBILE',
    userAgent:
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1',
  },
  {
    browser: outlook,
    deviceType: 'COMPUTER',
    userAgent: 'Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.10730; Pro)',
  },
  {
    browser: firefoxMobile,
    deviceType: 'MOBILE',
    userAgent: 'Mozilla/5.0 (Android 14; Mobile; rv:121.0) Gecko/121.0 Firefox/121.0',
  },
  {
    browser: safari,
    deviceType: 'TABLET',
    userAgent:
      'Mozilla/5.0 (iPad; CPU OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1',
  },
] as const;

/** Image-proxy prefetch, reported by HubSpot as a filtered OPEN. */
export const PREFETCH_CLIENT = {
  browser: {
    name: 'Google Image Cache',
    family: 'Google Image Cache',
    producer: '',
    producerUrl: '',
    type: 'Proxy',
    url: '',
    version: [],
  },
  deviceType: 'COMPUTER',
  userAgent: 'Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)',
  location: { country: 'Unknown', state: 'Unknown', city: 'Unknown', zipcode: 'Unknown' },
} as const;

/** `location` objects (§2.4): full with lat/long, without zipcode, and HubSpot's empty-string variant. */
export const LOCATIONS = [
  { country: 'Ireland', state: 'Leinster', city: 'Dublin', latitude: 53.3498, longitude: -6.2603 },
  {
    country: 'UNITED STATES',
    state: 'california',
    city: 'mountain view',
    latitude: 37.40599,
    longitude: -122.078514,
    zipcode: '94043',
  },
  { country: 'UNITED STATES', state: 'massachusetts', city: 'cambridge', zipcode: '02139' },
  { country: 'GERMANY', state: 'berlin', city: 'berlin', latitude: 52.52, longitude: 13.405 },
  { country: 'UNITED KINGDOM', state: 'england', city: 'london' },
  { country: 'UNITED STATES', state: '', city: '' },
] as const;

/** Subject of campaign k (round robin). */
export const SUBJECTS = [
  'Spring launch',
  'Your monthly product digest',
  'Webinar: pipelines at scale',
  'Last chance: early-bird pricing',
];
/** CLICK `url` values. */
export const LINKS = [
  'https://www.example.com/pricing?utm_source=hs_email&utm_medium=email',
  'https://www.example.com/blog/streaming-analytics?utm_source=hs_email&utm_medium=email',
  'https://www.example.com/webinar/register?utm_source=hs_email&utm_medium=email',
  'https://www.example.com/unsubscribe-preferences',
];
/** DROPPED `[dropReason, dropMessage]` pairs (§2.4 enumeration, open set). */
export const DROP_REASONS = [
  ['PREVIOUSLY_BOUNCED', 'Recipient previously hard bounced'],
  ['PREVIOUSLY_UNSUBSCRIBED_PORTAL', 'Recipient unsubscribed from all email'],
  ['MTA_IGNORE', ''],
  ['INVALID_TO_ADDRESS', 'Invalid recipient address'],
] as const;
/** BOUNCE `[category, response, status]` triples. */
export const BOUNCES = [
  ['UNKNOWN_USER', '550 5.1.1 The email account that you tried to reach does not exist.', '5.1.1'],
  ['MAILBOX_FULL', '552 5.2.2 The email account that you tried to reach is over quota.', '5.2.2'],
  ['POLICY', '550 5.7.1 Message rejected due to local policy.', '5.7.1'],
] as const;
/** SMTP response of a DEFERRED attempt. */
export const DEFER_RESPONSE = '421 4.7.0 Try again later, closing connection.';
/** SMTP responses of DELIVERED events. */
export const DELIVERED_RESPONSES = [
  '250 2.0.0 OK  1700000000 a1b2c3d4e5 - gsmtp',
  '250 2.6.0 Queued mail for delivery',
  '250 Ok',
];
/** SENT/DROPPED `from`. */
export const FROM = 'Example Marketing <news@example.com>';
/** Subscription type id used in STATUSCHANGE `subscriptions[]`. */
export const SUBSCRIPTION_ID = 10798197;
