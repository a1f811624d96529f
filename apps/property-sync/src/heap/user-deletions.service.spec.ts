import {
  HeapCredentialsUnavailableError,
  type HeapCredentialsProvider,
  type HeapUserDeletionClient,
} from '@hubheap/heap';
import { PermanentRecordError, TransientError } from '@hubheap/kafka';
import type { DeletionPlan } from '../contact-changes.planner';
import type { DeletionRepository } from '../database/deletion.repository';
import type { PropertySyncMetrics } from '../property-sync.metrics';
import { UserDeletionsService } from './user-deletions.service';

/** The service with a credentials provider failing with `error`, and stubbed repository/Heap/metrics. */
const serviceFailingWith = (error: Error) => {
  const requestDeletion = jest.fn();
  const credentials: HeapCredentialsProvider = {
    apiKey: () => Promise.reject(error),
    segmentsSecret: () => Promise.reject(new Error('unused')),
  };
  const repository = { find: () => Promise.resolve(undefined) } as unknown as DeletionRepository;
  const heap = { requestDeletion } as unknown as HeapUserDeletionClient;
  const metrics = {} as PropertySyncMetrics;
  return { service: new UserDeletionsService(heap, repository, credentials, metrics), requestDeletion };
};

const plan = {
  portalId: 62515,
  contactId: '501',
  appId: '11',
  identity: 'gone@example.com',
  record: { value: { sourceEventId: 'e-1' } },
} as unknown as DeletionPlan;

describe('UserDeletionsService credentials errors', () => {
  it('no key for the app_id (404 / not listed) → PermanentRecordError with the provider’s reason', async () => {
    const { service, requestDeletion } = serviceFailingWith(
      new HeapCredentialsUnavailableError('no Heap API key for app_id 11 in control-api', {
        status: 404,
        retriable: false,
        missing: true,
      }),
    );
    const error = await service.request(plan).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentRecordError);
    expect(error).toMatchObject({ message: 'no Heap API key for app_id 11 in control-api' });
    expect(requestDeletion).not.toHaveBeenCalled();
  });

  it('control-api down or 5xx → the retriable error as is (offsets stay uncommitted)', async () => {
    const down = new HeapCredentialsUnavailableError('control-api unreachable', {
      status: 0,
      retriable: true,
    });
    await expect(serviceFailingWith(down).service.request(plan)).rejects.toBe(down);
  });

  it('control-api refusing INTERNAL_API_KEY (401) → TransientError: deletions stall, none dead-lettered', async () => {
    const refused = new HeapCredentialsUnavailableError('refused', { status: 401, retriable: false });
    await expect(serviceFailingWith(refused).service.request(plan)).rejects.toBeInstanceOf(TransientError);
  });
});
