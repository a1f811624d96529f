import { eventually } from './eventually';

describe('eventually', () => {
  it('resolves with the value once fn stops throwing', async () => {
    let calls = 0;
    const value = await eventually(
      () => {
        calls += 1;
        if (calls < 3) throw new Error(`not yet ${calls}`);
        return 'done';
      },
      { intervalMs: 1 },
    );
    expect(value).toBe('done');
    expect(calls).toBe(3);
  });

  it('treats a false boolean as not yet', async () => {
    let calls = 0;
    await expect(eventually(() => (calls += 1) >= 2, { intervalMs: 1 })).resolves.toBe(true);
    expect(calls).toBe(2);
  });

  it('rejects at the deadline with the message and the last error', async () => {
    let calls = 0;
    const failing = eventually(
      async () => {
        calls += 1;
        throw new Error(`attempt ${calls} failed`);
      },
      { timeoutMs: 30, intervalMs: 5, message: 'heap never received the event' },
    );
    await expect(failing).rejects.toThrow(
      /^heap never received the event \(after \d+ attempts in \d+ ms\); last error: attempt \d+ failed$/,
    );
    const err = await failing.catch((e: unknown) => e as Error);
    expect((err.cause as Error).message).toBe(`attempt ${calls} failed`);
  });

  it('reports a condition that stayed false', async () => {
    await expect(eventually(() => false, { timeoutMs: 10, intervalMs: 2 })).rejects.toThrow(
      /last error: condition returned false$/,
    );
  });
});
