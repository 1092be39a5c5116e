/** @internal */
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import { dual } from "effect/Function"
import * as Metric from "effect/Metric"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import type * as Stream from "effect/Stream"
import * as SubscriptionRef from "effect/SubscriptionRef"
import * as SynchronizedRef from "effect/SynchronizedRef"
import * as Health from "../Health.js"
import type * as health from "./health.js"
import { degraded, type HealthStatus, healthy, unhealthy } from "./healthStatus.js"

/** @internal */
export type State = "Closed" | "Open" | "HalfOpen"

/** @internal */
export class CircuitOpen extends Schema.TaggedError<CircuitOpen>("turbomcp/CircuitBreaker/CircuitOpen")(
  "CircuitOpen",
  {
    name: Schema.String,
    retryAfterMillis: Schema.Number
  }
) {
  override get message(): string {
    return `Circuit ${this.name} is open; retry after ${this.retryAfterMillis} ms`
  }
}

/** @internal */
export interface Options {
  readonly name: string
  readonly failureThreshold?: number | undefined
  readonly resetAfter?: Duration.DurationInput | undefined
  readonly halfOpenTrials?: number | undefined
  readonly isFailure?: ((error: unknown) => boolean) | undefined
  readonly metric?: string | false | undefined
}

/** @internal */
export interface CircuitBreaker {
  readonly name: string
  readonly run: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E | CircuitOpen, R>
  readonly state: Effect.Effect<State>
  readonly changes: Stream.Stream<State>
  readonly reset: Effect.Effect<void>
}

type Internal =
  | { readonly _tag: "Closed"; readonly failures: number }
  | { readonly _tag: "Open"; readonly until: number }
  | { readonly _tag: "HalfOpen"; readonly inFlight: number; readonly successes: number }

type Permit =
  | { readonly _tag: "Closed" }
  | { readonly _tag: "Trial" }
  | { readonly _tag: "Rejected"; readonly retryAfterMillis: number }

type Outcome = "success" | "failure" | "ignored"

const closed = (failures: number): Internal => ({ _tag: "Closed", failures })
const permitClosed: Permit = { _tag: "Closed" }
const permitTrial: Permit = { _tag: "Trial" }

/** @internal */
export const stateGaugeValue = (state: State): number => state === "Closed" ? 0 : state === "HalfOpen" ? 1 : 2

/** @internal */
export const defaultMetricName = "turbomcp_server_circuit_breaker_state"

/** @internal */
export const make = (options: Options): Effect.Effect<CircuitBreaker> =>
  Effect.gen(function*() {
    const threshold = Math.max(1, options.failureThreshold ?? 5)
    const resetAfter = Duration.toMillis(options.resetAfter ?? "30 seconds")
    const trials = Math.max(1, options.halfOpenTrials ?? 1)
    const isFailure = options.isFailure ?? (() => true)
    const gauge = options.metric === false
      ? undefined
      : Metric.gauge(options.metric ?? defaultMetricName, {
        description: "Circuit breaker state: 0 closed, 1 half-open, 2 open"
      }).pipe(Metric.tagged("breaker", options.name))

    const internal = yield* SynchronizedRef.make<Internal>(closed(0))
    const state = yield* SubscriptionRef.make<State>("Closed")
    if (gauge !== undefined) yield* Metric.set(gauge, 0)

    // Transitions go through `modifyEffect`, so the published state and the gauge follow the
    // internal state in the same order, whatever the concurrency.
    const transition = <B>(f: (current: Internal, now: number) => readonly [B, Internal]) =>
      SynchronizedRef.modifyEffect(internal, (current) =>
        Effect.flatMap(Clock.currentTimeMillis, (now) => {
          const [result, next] = f(current, now)
          if (next._tag === current._tag) return Effect.succeed([result, next] as const)
          return SubscriptionRef.set(state, next._tag).pipe(
            Effect.zipRight(gauge === undefined ? Effect.void : Metric.set(gauge, stateGaugeValue(next._tag))),
            Effect.as([result, next] as const)
          )
        }))

    const acquire = transition<Permit>((current, now) => {
      switch (current._tag) {
        case "Closed":
          return [permitClosed, current]
        case "Open":
          return now >= current.until
            ? [permitTrial, { _tag: "HalfOpen", inFlight: 1, successes: 0 }]
            : [{ _tag: "Rejected", retryAfterMillis: current.until - now }, current]
        case "HalfOpen":
          return current.inFlight + current.successes < trials
            ? [permitTrial, { ...current, inFlight: current.inFlight + 1 }]
            : [{ _tag: "Rejected", retryAfterMillis: 0 }, current]
      }
    })

    const settle = (permit: Permit, outcome: Outcome) =>
      transition<void>((current, now) => {
        if (permit._tag === "Closed") {
          // results of calls admitted while closed only count while the circuit is still closed
          if (current._tag !== "Closed" || outcome === "ignored") return [undefined, current]
          if (outcome === "success") return [undefined, current.failures === 0 ? current : closed(0)]
          const failures = current.failures + 1
          return [undefined, failures >= threshold ? { _tag: "Open", until: now + resetAfter } : closed(failures)]
        }
        if (current._tag !== "HalfOpen") return [undefined, current]
        const inFlight = current.inFlight - 1
        switch (outcome) {
          case "ignored":
            return [undefined, { ...current, inFlight }]
          case "failure":
            return [undefined, { _tag: "Open", until: now + resetAfter }]
          case "success": {
            const successes = current.successes + 1
            return [undefined, successes >= trials ? closed(0) : { _tag: "HalfOpen", inFlight, successes }]
          }
        }
      })

    const outcomeOf = <A, E>(exit: Exit.Exit<A, E>): Outcome => {
      if (Exit.isSuccess(exit)) return "success"
      if (Cause.isInterruptedOnly(exit.cause)) return "ignored"
      const failure = Cause.failureOption(exit.cause)
      // defects always count; typed failures count unless `isFailure` excludes them
      return failure._tag === "Some" && !isFailure(failure.value) ? "ignored" : "failure"
    }

    const run = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E | CircuitOpen, R> =>
      Effect.uninterruptibleMask((restore) =>
        Effect.flatMap(acquire, (permit): Effect.Effect<A, E | CircuitOpen, R> => {
          if (permit._tag === "Rejected") {
            return Effect.fail(new CircuitOpen({ name: options.name, retryAfterMillis: permit.retryAfterMillis }))
          }
          return Effect.flatMap(
            Effect.exit(restore(effect)),
            (exit) => Effect.zipRight(settle(permit, outcomeOf(exit)), exit)
          )
        })
      )

    const breaker: CircuitBreaker = {
      name: options.name,
      run,
      state: SubscriptionRef.get(state),
      changes: state.changes,
      reset: transition<void>(() => [undefined, closed(0)])
    }
    return breaker
  })

/** @internal */
export const withCircuitBreaker = dual<
  (breaker: CircuitBreaker) => <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E | CircuitOpen, R>,
  <A, E, R>(self: Effect.Effect<A, E, R>, breaker: CircuitBreaker) => Effect.Effect<A, E | CircuitOpen, R>
>(2, (self, breaker) => breaker.run(self))

/** @internal */
export interface HealthCheckOptions {
  readonly openStatus?: "degraded" | "unhealthy" | undefined
}

/** @internal */
export const healthCheck = (breaker: CircuitBreaker, options?: HealthCheckOptions): Effect.Effect<HealthStatus> =>
  Effect.map(breaker.state, (state) => {
    switch (state) {
      case "Closed":
        return healthy
      case "HalfOpen":
        return degraded(`circuit ${breaker.name} is half-open`)
      case "Open":
        return options?.openStatus === "unhealthy"
          ? unhealthy(`circuit ${breaker.name} is open`)
          : degraded(`circuit ${breaker.name} is open`)
    }
  })

/** @internal */
export const registerHealth = (
  breaker: CircuitBreaker,
  options?: HealthCheckOptions & health.CheckOptions & { readonly checkName?: string | undefined }
): Effect.Effect<void, never, Health.Health | Scope.Scope> => {
  const name = options?.checkName ?? `circuit:${breaker.name}`
  return Effect.flatMap(Health.Health, (service) =>
    Effect.acquireRelease(
      service.register(name, healthCheck(breaker, options), {
        critical: options?.critical ?? false,
        timeout: options?.timeout,
        liveness: false
      }),
      () => service.unregister(name)
    ))
}
