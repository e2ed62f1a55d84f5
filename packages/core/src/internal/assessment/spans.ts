/**
 * One way to write a length of time, for every message and report: whole seconds below a minute and a half (tenths
 * below ten seconds, where they matter), then minutes to a tenth, then hours and minutes.
 */

const tenths = (value: number): number => Math.round(value * 10) / 10

/** `0.8 s`, `47 s`, `12.5 min`, `2 h 05 min`; zero, negative or not a number reads `0 s`. */
export const formatSeconds = (seconds: number): string => {
  if (!(seconds > 0) || seconds === Number.POSITIVE_INFINITY) return "0 s"
  if (seconds < 10) return `${tenths(seconds)} s`
  if (Math.round(seconds) < 90) return `${Math.round(seconds)} s`
  const minutes = tenths(seconds / 60)
  if (minutes < 60) return `${minutes} min`
  const whole = Math.round(seconds / 60)
  return `${Math.floor(whole / 60)} h ${String(whole % 60).padStart(2, "0")} min`
}
