/** Decides, request by request, which fault (if any) an instance's answer gets. */
import * as Fault from "../Fault.ts"
import { pick, type Random } from "./random.ts"
import type { Plan } from "./timeline.ts"

/** A fault planner over the instances' schedules and optional random faults, drawing from one seeded stream. */
export const faultPlanner = (random: Fault.Random | undefined, draw: Random) => {
  const counters = new Map<string, number>()
  return {
    /** Counts a request to `plan`'s instance and returns the fault it gets. */
    next: (plan: Plan): Fault.Spec | undefined => {
      const number = (counters.get(plan.id) ?? 0) + 1
      counters.set(plan.id, number)
      for (const spec of plan.faults) {
        const start = spec.start ?? 1
        const end = spec.count === undefined ? Number.POSITIVE_INFINITY : start + spec.count
        const inWindow = number >= start && number < end
        if (inWindow && (spec.probability === undefined || draw() < spec.probability)) return spec
      }
      if (random !== undefined && random.rate > 0 && draw() < random.rate) {
        const kinds = random.kinds !== undefined && random.kinds.length > 0 ? random.kinds : Fault.defaultRandomKinds
        return { kind: pick(draw, kinds) }
      }
      return undefined
    }
  }
}
