/**
 * A small seeded generator (mulberry32): the same seed gives the same mix of instances, the same step-time jitter
 * and the same random faults, so a failing run can be replayed exactly.
 */
export type Random = () => number

/** A generator of floats in [0, 1) determined entirely by `seed`. */
export const seeded = (seed: number): Random => {
  let state = Math.trunc(seed) >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let mixed = Math.imul(state ^ (state >>> 15), state | 1)
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61)
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296
  }
}

/** An element of a non-empty list, picked by the generator. */
export const pick = <A>(random: Random, items: ReadonlyArray<A>): A => items[Math.floor(random() * items.length)]!

/** A child generator, so that drawing from one stream (say, faults) never shifts another (say, jitter). */
export const fork = (random: Random): Random => seeded(Math.floor(random() * 4294967296))
