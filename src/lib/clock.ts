export interface Clock {
  now(): number;
}
export const systemClock: Clock = { now: () => Date.now() };
export const fixedClock = (t: number): Clock & { set(t: number): void; advance(ms: number): void } => {
  let cur = t;
  return {
    now: () => cur,
    set: (x) => {
      cur = x;
    },
    advance: (ms) => {
      cur += ms;
    },
  };
};
