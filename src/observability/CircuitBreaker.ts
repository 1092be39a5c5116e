/**
 * Circuit breakers for calls to dependencies: after `failureThreshold` consecutive failures the
 * circuit opens and calls fail fast with {@link CircuitOpen}; after `resetAfter` (on `Clock`, so
 * `TestClock` drives it) it lets `halfOpenTrials` trial calls through, closing again when they
 * all succeed and reopening on the first failure.
 *
 * The state is observable (`state`, `changes`), exported as the gauge
 * `turbomcp_server_circuit_breaker_state{breaker}` (0 closed, 1 half-open, 2 open), and can be
 * shown in health output with {@link registerHealth}.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { NodeRuntime } from "@effect/platform-node"
 * import { CircuitBreaker, Health } from "turbomcp-server"
 *
 * const fetchInvoice = (id: string) =>
 *   Effect.tryPromise(() => fetch(`http://127.0.0.1:8080/invoices/${id}`).then((res) => res.json()))
 *
 * const program = Effect.gen(function*() {
 *   const breaker = yield* CircuitBreaker.make({ name: "billing-api", failureThreshold: 3, resetAfter: "10 seconds" })
 *   yield* CircuitBreaker.registerHealth(breaker)
 *   const invoice = yield* fetchInvoice("inv_1").pipe(CircuitBreaker.withCircuitBreaker(breaker))
 *   yield* Effect.log(invoice)
 * }).pipe(Effect.scoped, Effect.provide(Health.layer()))
 *
 * NodeRuntime.runMain(program)
 * ```
 *
 * @since 0.1.0
 */
import type * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import type * as Health from "./Health.js"
import * as internal from "./internal/circuitBreaker.js"

/**
 * The circuit's state: `Closed` (calls pass), `Open` (calls are refused) or `HalfOpen` (trial calls
 * pass).
 *
 * @since 0.1.0
 * @category models
 */
export type State = internal.State

/**
 * A call was refused because the circuit is open (or half-open with all trial slots taken).
 * `retryAfterMillis` is the time left in the cool-down, 0 while half-open.
 *
 * @since 0.1.0
 * @category errors
 */
export const CircuitOpen: typeof internal.CircuitOpen = internal.CircuitOpen

/**
 * The type of a {@link CircuitOpen} failure.
 *
 * @since 0.1.0
 * @category errors
 */
export type CircuitOpen = internal.CircuitOpen

/**
 * - `name`: identifies the breaker in errors, health output and the gauge's `breaker` label.
 * - `failureThreshold` (default 5): consecutive failures that open the circuit.
 * - `resetAfter` (default 30 seconds): the cool-down before half-open.
 * - `halfOpenTrials` (default 1): trial calls admitted while half-open; all must succeed.
 * - `isFailure` (default: every failure): which typed failures count; defects always count,
 *   interruptions never do.
 * - `metric` (default `turbomcp_server_circuit_breaker_state`): the gauge's name, or `false`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options extends internal.Options {}

/**
 * A circuit breaker: wraps calls to a dependency and refuses them while the dependency keeps
 * failing.
 *
 * @since 0.1.0
 * @category models
 */
export interface CircuitBreaker extends internal.CircuitBreaker {}

/**
 * A circuit breaker with the given thresholds, starting closed.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: (options: Options) => Effect.Effect<CircuitBreaker> = internal.make

/**
 * Runs an effect through a breaker.
 *
 * @since 0.1.0
 * @category combinators
 */
export const withCircuitBreaker: {
  (breaker: CircuitBreaker): <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E | CircuitOpen, R>
  <A, E, R>(self: Effect.Effect<A, E, R>, breaker: CircuitBreaker): Effect.Effect<A, E | CircuitOpen, R>
} = internal.withCircuitBreaker

/**
 * `openStatus` (default `"degraded"`): how an open circuit shows in health output.
 *
 * @since 0.1.0
 * @category models
 */
export interface HealthCheckOptions extends internal.HealthCheckOptions {}

/**
 * A health check reporting the breaker's state: closed is healthy, half-open degraded, open
 * degraded (or unhealthy with `openStatus: "unhealthy"`).
 *
 * @since 0.1.0
 * @category health
 */
export const healthCheck: (
  breaker: CircuitBreaker,
  options?: HealthCheckOptions
) => Effect.Effect<Health.HealthStatus> = internal.healthCheck

/**
 * Registers {@link healthCheck} as `circuit:<name>` (non-critical by default) until the scope
 * closes.
 *
 * @since 0.1.0
 * @category health
 */
export const registerHealth: (
  breaker: CircuitBreaker,
  options?: HealthCheckOptions & Health.CheckOptions & { readonly checkName?: string | undefined }
) => Effect.Effect<void, never, Health.Health | Scope.Scope> = internal.registerHealth

/**
 * The gauge value of a state: 0 closed, 1 half-open, 2 open.
 *
 * @since 0.1.0
 * @category metrics
 */
export const stateGaugeValue: (state: State) => number = internal.stateGaugeValue
