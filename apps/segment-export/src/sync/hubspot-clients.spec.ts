import {
  type HubSpotCallGate,
  type HubSpotTokenProvider,
  HubSpotTokenUnavailableError,
} from '@hubheap/hubspot';
import { PermanentRecordError } from '@hubheap/kafka';
import { loadSegmentExportConfig } from '../segment-export.config';
import { HubSpotClients } from './hubspot-clients';

const gate: HubSpotCallGate = { run: (_portalId, call) => call() };

describe('HubSpotClients', () => {
  it('default: HUBSPOT_PORTALS tokens; an unlisted portal is a PermanentRecordError', async () => {
    const config = loadSegmentExportConfig({ HUBSPOT_PORTALS: '[{"portalId":7,"accessToken":"pat-7"}]' });
    const clients = new HubSpotClients(config, gate);
    expect(await clients.forPortal(7)).toBe(await clients.forPortal(7));
    await expect(clients.forPortal(8)).rejects.toThrow(PermanentRecordError);
  });

  it('token provider: a new token builds a new client; control-api 404 is permanent, 503 stays retriable', async () => {
    let token = 'oauth-1';
    let failure: HubSpotTokenUnavailableError | undefined;
    const tokens: HubSpotTokenProvider = {
      accessToken: async () => {
        if (failure) throw failure;
        return token;
      },
    };
    const clients = new HubSpotClients(loadSegmentExportConfig({}), gate, tokens);
    const first = await clients.forPortal(7);
    expect(await clients.forPortal(7)).toBe(first);
    token = 'oauth-2';
    expect(await clients.forPortal(7)).not.toBe(first);

    failure = new HubSpotTokenUnavailableError('no connection', { status: 404, retriable: false });
    await expect(clients.forPortal(7)).rejects.toThrow(PermanentRecordError);
    failure = new HubSpotTokenUnavailableError('down', { status: 503, retriable: true });
    await expect(clients.forPortal(7)).rejects.toMatchObject({ retriable: true, status: 503 });
  });
});
