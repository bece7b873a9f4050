/** Time as the engine sees it: injected so billing periods and grants can be tested across months. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
