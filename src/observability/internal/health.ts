/** @internal */
import * as Cause from "effect/Cause"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import * as Ref from "effect/Ref"
import * as SubscriptionRef from "effect/SubscriptionRef"
import {
  CheckResult,
  Degraded,
  degraded,
  HealthReport,
  type HealthStatus,
  healthy,
  Unhealthy,
  unhealthy
} from "./healthStatus.js"

/** @internal */
export interface CheckOptions {
  readonly critical?: boolean | undefined
  readonly timeout?: Duration.DurationInput | undefined
  readonly liveness?: boolean | undefined
}

/** @internal */
export interface Options {
  readonly defaultTimeout?: Duration.DurationInput | undefined
  readonly concurrency?: number | "unbounded" | undefined
}

/** @internal */
export interface Service {
  readonly register: <E>(
    name: string,
    check: Effect.Effect<HealthStatus | void, E>,
    options?: CheckOptions
  ) => Effect.Effect<void>
  readonly unregister: (name: string) => Effect.Effect<void>
  readonly live: Effect.Effect<HealthReport>
  readonly ready: Effect.Effect<HealthReport>
  readonly setDraining: (draining: boolean) => Effect.Effect<void>
  readonly draining: SubscriptionRef.SubscriptionRef<boolean>
}

interface Entry {
  readonly name: string
  readonly check: Effect.Effect<HealthStatus | void, unknown>
  readonly critical: boolean
  readonly liveness: boolean
  readonly timeout: Duration.Duration
}

/** @internal */
export const describeError = (error: unknown): string => {
  if (Predicate.hasProperty(error, "message") && typeof error.message === "string" && error.message.length > 0) {
    return error.message
  }
  if (Predicate.hasProperty(error, "_tag") && typeof error._tag === "string") return error._tag
  return String(error)
}

const describeCause = (cause: Cause.Cause<unknown>): string =>
  Option.match(Cause.failureOption(cause), {
    onSome: describeError,
    onNone: () => Option.match(Cause.dieOption(cause), { onSome: (d) => `defect: ${describeError(d)}`, onNone: () => "failed" })
  })

const normalize = (status: HealthStatus | void): HealthStatus => status === undefined ? healthy : status

// One check, never failing: its failure or timeout becomes `Unhealthy`. Interruption of the
// caller is not swallowed; only the check's own timeout interrupts it.
const runEntry = (entry: Entry): Effect.Effect<CheckResult> =>
  entry.check.pipe(
    Effect.map(normalize),
    Effect.catchAllCause((cause) =>
      Cause.isInterruptedOnly(cause) ? Effect.interrupt : Effect.succeed(unhealthy(describeCause(cause)))
    ),
    Effect.timeoutTo({
      duration: entry.timeout,
      onSuccess: (status: HealthStatus) => status,
      onTimeout: (): HealthStatus => unhealthy(`timed out after ${Duration.format(entry.timeout)}`)
    }),
    Effect.timed,
    Effect.map(([elapsed, status]) =>
      new CheckResult({
        name: entry.name,
        status,
        critical: entry.critical,
        latencyMs: Duration.toMillis(elapsed)
      })
    )
  )

/** @internal */
export const aggregate = (results: ReadonlyArray<CheckResult>, draining: boolean): HealthStatus => {
  const failures: Array<string> = []
  const reasons: Array<string> = []
  if (draining) failures.push("draining")
  for (const result of results) {
    const status = result.status
    if (status instanceof Unhealthy) {
      ;(result.critical ? failures : reasons).push(`${result.name}: ${status.reason}`)
    } else if (status instanceof Degraded) {
      for (const reason of status.reasons) reasons.push(`${result.name}: ${reason}`)
      if (status.reasons.length === 0) reasons.push(`${result.name}: degraded`)
    }
  }
  if (failures.length > 0) return unhealthy(failures.join("; "))
  return reasons.length > 0 ? degraded(...reasons) : healthy
}

/** @internal */
export const make = (options?: Options): Effect.Effect<Service> =>
  Effect.gen(function*() {
    const defaultTimeout = Duration.decode(options?.defaultTimeout ?? "5 seconds")
    const concurrency = options?.concurrency ?? "unbounded"
    const entries = yield* Ref.make<ReadonlyArray<Entry>>([])
    const draining = yield* SubscriptionRef.make(false)

    const run = (select: (entry: Entry) => boolean, withDraining: boolean) =>
      Effect.gen(function*() {
        const all = yield* Ref.get(entries)
        const results = yield* Effect.forEach(all.filter(select), runEntry, { concurrency })
        const isDraining = yield* SubscriptionRef.get(draining)
        return new HealthReport({
          status: aggregate(results, withDraining && isDraining),
          draining: isDraining,
          checks: results
        })
      })

    const service: Service = {
      register: (name, check, checkOptions) =>
        Ref.update(entries, (current) => {
          const entry: Entry = {
            name,
            check,
            critical: checkOptions?.critical ?? true,
            liveness: checkOptions?.liveness ?? false,
            timeout: checkOptions?.timeout === undefined ? defaultTimeout : Duration.decode(checkOptions.timeout)
          }
          // registering a name again replaces its check in place, keeping the output order stable
          const index = current.findIndex((e) => e.name === name)
          return index === -1 ? [...current, entry] : current.map((e, i) => (i === index ? entry : e))
        }),
      unregister: (name) => Ref.update(entries, (current) => current.filter((e) => e.name !== name)),
      live: run((entry) => entry.liveness, false),
      ready: run(() => true, true),
      setDraining: (value) => SubscriptionRef.set(draining, value),
      draining
    }
    return service
  })
