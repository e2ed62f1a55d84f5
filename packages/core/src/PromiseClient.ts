/**
 * The client for programs that do not use Effect, behind both adapters' `createClient`. A call does what
 * `HologresClient.getUpgradeStatus` does (validate the input, sign every attempt afresh, follow the retry policy,
 * bound each attempt and the whole call, cap the body, decode tolerantly) with the same errors and attempt events,
 * but as plain Promises over a `Transport`: on a small answer a fiber per call and its timers cost more CPU than the
 * HTTP exchange itself (BENCHMARKS.md), and an application awaiting a Promise gains nothing from them.
 */
import type * as Credentials from "./Credentials.ts"
import * as HologresClient from "./HologresClient.ts"
import * as HologresError from "./HologresError.ts"
import { formatSeconds } from "./internal/assessment/spans.ts"
import { AttemptFailure, finalError, requestFailure } from "./internal/http/attempt.ts"
import { concealer } from "./internal/http/conceal.ts"
import { interpret } from "./internal/http/interpret.ts"
import {
  AttemptControl,
  closedError,
  describeCause,
  describeType,
  invalidInput
} from "./internal/http/promiseAttempt.ts"
import { type PreparedSigner, prepareSigner } from "./internal/signing/prepared.ts"
import * as RetryPolicy from "./RetryPolicy.ts"
import * as Signature from "./Signature.ts"
import * as Transport from "./Transport.ts"
import type * as UpgradeStatus from "./UpgradeStatus.ts"

/** What a call names: an instance id (with options) or one input object. */
export type CallInput = string | { readonly instanceId: string; readonly regionId?: string | undefined }

/** A client whose calls return Promises and reject with the `HologresError` itself, never a wrapper. */
export interface Client {
  /** Reads the upgrade status of one instance; rejects with a `HologresError`. */
  readonly getUpgradeStatus: (
    input: CallInput,
    options?: { readonly regionId?: string | undefined }
  ) => Promise<UpgradeStatus.Response>
  /** Releases what the client holds; calls made afterwards reject. */
  readonly close: () => Promise<void>
}

/** What the first call resolves once: the key to sign with, and a region for calls that name none. */
export interface Setup {
  readonly credentials: Credentials.Service
  readonly regionId?: string | undefined
}

/** How a client is built: the core client's options with a plain attempt callback, plus what the adapter supplies. */
export interface Options extends Omit<HologresClient.Options, "onAttempt"> {
  /** Sends the requests. */
  readonly transport: Transport.Transport
  /**
   * Resolves the credentials (and a default region), on the first call and only once. Rejecting with a
   * `ConfigError` rejects that call and every later one with it.
   */
  readonly setup: () => Promise<Setup>
  /** Used when a call names no region, before the one `setup` found. */
  readonly regionId?: string | undefined
  /** What a call with no region at all is rejected with. */
  readonly missingRegion: HologresError.ConfigError
  /** The retry policy; `RetryPolicy.defaults` where a field is not given. */
  readonly retry?: Partial<RetryPolicy.Policy> | undefined
  /** Called once per attempt (for debug output); exceptions it throws are ignored. */
  readonly onAttempt?: ((event: HologresClient.AttemptEvent) => void) | undefined
  /** Releases the transport's connections; `close` calls it once. */
  readonly release?: (() => Promise<void>) | undefined
}

/** The set-up with what is derived from it once. */
interface Prepared extends Setup {
  readonly conceal: (text: string) => string
}

/** What every attempt of a call to one instance shares: where it goes and how it is signed. */
interface Target {
  readonly url: string
  readonly host: string
  readonly sign: PreparedSigner
}

const maxTargets = 4096

/** What one attempt ended in: an answer, a failure to judge, or the call's deadline. */
type Outcome =
  | { readonly _tag: "Answer"; readonly response: UpgradeStatus.Response }
  | { readonly _tag: "Failed"; readonly failure: AttemptFailure }
  | { readonly _tag: "Deadline" }
  | { readonly _tag: "Closed" }

/** A header value with the secret and the STS token blanked out, since a server may echo them anywhere. */
const concealed = (setup: Prepared, value: string | undefined): string | undefined =>
  value === undefined ? undefined : setup.conceal(value)

/** Passes an event to the observer (built only when there is one: it is a call's cost otherwise). */
const notify = (observe: Options["onAttempt"], event: () => HologresClient.AttemptEvent) => {
  if (observe === undefined) return
  try {
    observe(event())
  } catch {
    // A failing observer must not fail the call it observes.
  }
}

/** Creates a client. Nothing is resolved or sent until the first call. */
export const make = (options: Options): Client => {
  const policy: RetryPolicy.Policy = { ...RetryPolicy.defaults, ...options.retry }
  const invalid = HologresClient.checkOptions(options, policy)
  const endpoint = options.endpoint ?? HologresClient.defaultEndpoint
  const version = options.signatureVersion ?? "v3"
  const maxBodyBytes = options.maxBodyBytes ?? HologresClient.defaultMaxBodyBytes
  const observe = options.onAttempt
  const transport = options.transport
  const hashing = options.hashing ?? Signature.webCrypto

  // Resolved on the first call; a failure stays, so every later call reports the same set-up problem.
  let ready: Promise<Prepared> | undefined
  let prepared: Prepared | undefined
  const setUp = () => {
    ready ??= options.setup().then((setup) => {
      prepared = { ...setup, conceal: concealer(setup.credentials) }
      return prepared
    })
    return ready
  }
  // One origin per region, parsed once.
  const origins = new Map<string, URL>()
  const originOf = (regionId: string): URL => {
    let origin = origins.get(regionId)
    if (origin === undefined) {
      origin = new URL(endpoint.replaceAll("{regionId}", regionId))
      origins.set(regionId, origin)
    }
    return origin
  }

  // What a call to one instance sends, prepared once: a client polls the same instances over and over. Bounded, so a
  // fleet of any size cannot grow it without end.
  const targets = new Map<string, Target>()
  const targetOf = (input: HologresClient.GetUpgradeStatusInput, setup: Setup): Target => {
    const key = `${input.regionId}/${input.instanceId}`
    let target = targets.get(key)
    if (target === undefined) {
      const origin = originOf(input.regionId)
      const request = HologresClient.describeRequest(input, origin.host)
      target = {
        url: Signature.wireUrl(origin.origin, request),
        host: origin.host,
        sign: prepareSigner(version, request, setup.credentials, hashing)
      }
      if (targets.size >= maxTargets) targets.clear()
      targets.set(key, target)
    }
    return target
  }

  // Attempts in flight and waits between attempts, each with the function that ends it early when the client closes.
  // Kept in reused array slots: a Set added to and deleted from on every call doubled the heap at concurrency 32.
  type Endable = { readonly end: (why: "closed") => void }
  const slots: Array<Endable | undefined> = []
  const free: Array<number> = []
  const track = (entry: Endable): number => {
    const slot = free.pop() ?? slots.length
    slots[slot] = entry
    return slot
  }
  const untrack = (slot: number) => {
    slots[slot] = undefined
    free.push(slot)
  }
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      let slot = -1
      const waiting = {
        end: () => {
          clearTimeout(timer)
          untrack(slot)
          resolve()
        }
      }
      const timer = setTimeout(waiting.end, ms)
      slot = track(waiting)
    })

  const attemptOnce = async (
    attempt: number,
    limitMs: number,
    byDeadline: boolean,
    target: Target,
    setup: Prepared
  ): Promise<Outcome> => {
    const control = new AttemptControl()
    const timer = setTimeout(() => control.end("expired"), limitMs)
    const slot = track(control)
    const timedOut = (): Outcome =>
      byDeadline
        ? { _tag: "Deadline" }
        : {
            _tag: "Failed",
            failure: requestFailure("Timeout", `No complete answer within ${policy.attemptTimeoutMs} ms`, attempt)
          }
    try {
      const localTimeMs = Date.now()
      const signing = target.sign({ date: new Date(localTimeMs), nonce: Signature.newNonce() })
      const signed = signing instanceof Promise ? await signing : signing

      let answer: Transport.Answer
      try {
        if (control.ended === "closed") return { _tag: "Closed" }
        if (control.ended === "expired") return timedOut()
        answer = await control.send(transport({ url: target.url, headers: signed, maxBodyBytes }))
      } catch (cause) {
        if (control.ended === "closed") return { _tag: "Closed" }
        if (control.ended === "expired") return timedOut()
        if (cause instanceof Transport.BodyTooLarge) {
          const error = new HologresError.DecodeError({
            reason: "TooLarge",
            message: cause.message,
            path: [],
            excerpt: HologresError.excerpt(setup.conceal(cause.head)),
            httpStatus: cause.status
          })
          const retryable = RetryPolicy.classify({ _tag: "Response", status: cause.status }) === "retry"
          const failure = new AttemptFailure({
            error,
            retryable,
            retryAfterMs: undefined,
            attempt,
            status: cause.status,
            requestId: concealed(setup, cause.requestId)
          })
          return { _tag: "Failed", failure }
        }
        const message = `No answer: ${describeCause(cause)}`
        return { _tag: "Failed", failure: requestFailure("Transport", message, attempt, cause) }
      }
      if (control.ended === "expired") return timedOut()

      const decoded = interpret(setup.credentials, {
        attempt,
        localTimeMs,
        host: target.host,
        status: answer.status,
        headers: answer.headers,
        // A server may echo the token back (a signature mismatch quotes what it signed); nothing reads it there.
        body: setup.conceal(answer.body),
        conceal: setup.conceal
      })
      if (decoded._tag === "Left") return { _tag: "Failed", failure: decoded.left }
      notify(observe, () => ({
        attempt,
        method: "GET",
        url: target.url,
        outcome: "success",
        status: answer.status,
        requestId: decoded.right.RequestId ?? concealed(setup, answer.headers["x-acs-request-id"]),
        delayMs: undefined,
        error: undefined
      }))
      return { _tag: "Answer", response: decoded.right }
    } finally {
      clearTimeout(timer)
      untrack(slot)
    }
  }

  const call = async (instanceId: string, regionId: string | undefined): Promise<UpgradeStatus.Response> => {
    if (invalid !== undefined) throw invalid
    const setup = prepared ?? (await setUp())
    const region = regionId ?? options.regionId ?? setup.regionId
    if (region === undefined) throw options.missingRegion
    const input = { instanceId, regionId: region }
    const refused = HologresClient.validateInput(input)
    if (refused !== undefined) throw refused

    const target = targetOf(input, setup)
    const startedAt = Date.now()

    for (let attempt = 1; ; attempt++) {
      if (closed) throw closedError()
      const remaining = policy.deadlineMs - (Date.now() - startedAt)
      const byDeadline = remaining < policy.attemptTimeoutMs
      const outcome = await attemptOnce(
        attempt,
        Math.max(0, Math.min(policy.attemptTimeoutMs, remaining)),
        byDeadline,
        target,
        setup
      )
      if (outcome._tag === "Answer") return outcome.response
      if (outcome._tag === "Closed" || closed) throw closedError()
      const elapsedMs = Date.now() - startedAt
      if (outcome._tag === "Deadline") {
        throw new HologresError.RequestError({
          reason: "Deadline",
          message:
            `No answer within the ${policy.deadlineMs} ms deadline; ` +
            `gave up after ${attempt} attempts in ${formatSeconds(elapsedMs / 1000)}`,
          attempts: attempt,
          elapsedMs
        })
      }

      const { failure } = outcome
      const delayMs =
        !failure.retryable || attempt >= policy.maxAttempts
          ? undefined
          : failure.retryAfterMs === undefined
            ? RetryPolicy.backoffMs(policy, attempt, Math.random())
            : Math.min(failure.retryAfterMs, policy.retryAfterCapMs)
      // Giving up early beats sleeping into the deadline.
      const last = delayMs === undefined || elapsedMs + delayMs >= policy.deadlineMs
      notify(observe, () => ({
        attempt,
        method: "GET",
        url: target.url,
        outcome: last ? "final" : "retry",
        status: failure.status,
        requestId: failure.requestId,
        delayMs: last ? undefined : delayMs,
        error: failure.error.message
      }))
      if (last) throw finalError(failure.error, attempt, elapsedMs)
      await pause(delayMs)
      if (closed) throw closedError()
    }
  }

  let closed = false
  return {
    getUpgradeStatus: (input, callOptions) => {
      if (closed) return Promise.reject(closedError())
      // Checked here as well as by the types: plain JavaScript callers pass anything.
      const given = typeof input === "object" && input !== null ? input : undefined
      const instanceId: unknown = typeof input === "string" ? input : given?.instanceId
      const regionId: unknown = callOptions?.regionId ?? given?.regionId
      if (typeof instanceId !== "string") {
        return Promise.reject(invalidInput(`The instance id must be a string, got ${describeType(instanceId)}`))
      }
      if (regionId !== undefined && typeof regionId !== "string") {
        return Promise.reject(invalidInput(`The region id must be a string, got ${describeType(regionId)}`))
      }
      return call(instanceId, regionId)
    },
    close: async () => {
      if (closed) return
      closed = true
      // Calls in flight reject at once as closed, and nothing more is sent for them.
      for (const entry of [...slots]) entry?.end("closed")
      await options.release?.()
    }
  }
}
