/** Time as a dependency, so tests can cross campaign windows and the e-invoice upload delay. */
export type Clock = {
  now: () => Date;
};

export const systemClock: Clock = {
  now: () => new Date(),
};

export type TestClock = Clock & {
  set: (date: Date | string) => void;
  advanceBy: (ms: number) => void;
  advanceHours: (hours: number) => void;
};

export function createTestClock({
  now = '2026-01-01T00:00:00.000Z',
}: { now?: Date | string } = {}): TestClock {
  let current = new Date(now);
  return {
    now: () => new Date(current),
    set: (date) => {
      current = new Date(date);
    },
    advanceBy: (ms) => {
      current = new Date(current.getTime() + ms);
    },
    advanceHours: (hours) => {
      current = new Date(current.getTime() + hours * 3_600_000);
    },
  };
}
