// setupFilesAfterEnv of the integration and e2e tiers: real brokers need more than jest's 5 s default.
// The deadline is a safety net only; tests wait on conditions (eventually()), never on fixed sleeps.
jest.setTimeout(Number(process.env['SLOW_TEST_TIMEOUT_MS'] ?? 120_000));
