/**
 * How a server's run ends. `launch` builds the application layer and runs until a
 * transport asks to stop (stdio reached end of input) or the process is
 * interrupted (SIGTERM/SIGINT under `NodeRuntime.runMain`). Closing the run's scope then
 * goes in this order:
 *
 * 1. the drain starts: every {@link onDrain} hook runs, in registration order (`Health.layer`
 *    turns readiness 503 here, `SharedServer` reports `Draining`);
 * 2. the layers' finalizers run in reverse order of acquisition: transports stop accepting
 *    (HTTP answers 503), end `subscriptions/listen` streams with their result, wait for
 *    requests in flight up to their drain timeout (30 seconds by default), interrupt the rest
 *    and end sessions and SSE streams; then sockets, clients and timers are released.
 *
 * A run interrupted by a signal exits with code 0 under `NodeRuntime.runMain` when every
 * finalizer succeeds.
 *
 * @example
 * ```ts
 * import { NodeRuntime } from "@effect/platform-node"
 * import { Effect, Layer } from "effect"
 * import { Lifecycle } from "turbomcp-server"
 *
 * // A layer of your own that hears about the drain before the transports wait.
 * const Announce = Layer.scopedDiscard(Lifecycle.onDrain(Effect.log("draining")))
 *
 * NodeRuntime.runMain(Lifecycle.launch(Announce))
 * ```
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import * as internal from "./internal/lifecycle.js"

/**
 * A transport's way to end the run. Outside `launch` it does nothing, so layers
 * built by tests or users' own programs keep running until their scope closes.
 *
 * @since 0.1.0
 * @category services
 */
export const Shutdown: typeof internal.Shutdown = internal.Shutdown

/**
 * The service shape of {@link Shutdown}.
 *
 * @since 0.1.0
 * @category services
 */
export type Shutdown = internal.Shutdown

/**
 * The start of a graceful shutdown, as a one-shot signal layers subscribe to.
 *
 * - `begin`: starts the drain (idempotent); runs every hook once, in registration order.
 * - `onDrain(hook)`: runs `hook` when the drain starts (at once if it already has), for as
 *   long as the calling scope is open. Hooks should be short signals, not waits.
 * - `isDraining`, `await`: read or wait for the signal.
 *
 * `launch` and `SharedServer` provide one to the layers they build; elsewhere the default
 * never drains and ignores hooks.
 *
 * @since 0.1.0
 * @category services
 */
export const Drain: typeof internal.Drain = internal.Drain

/**
 * The service shape of {@link Drain}.
 *
 * @since 0.1.0
 * @category services
 */
export type Drain = internal.Drain

/**
 * A fresh drain signal, for runners other than `launch`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeDrain: Effect.Effect<Drain["Type"]> = internal.makeDrain

/**
 * Runs `hook` when the drain of the current run starts, while the calling scope is open.
 *
 * @since 0.1.0
 * @category drain
 */
export const onDrain = (hook: Effect.Effect<void>): Effect.Effect<void, never, Scope.Scope> =>
  Effect.flatMap(internal.Drain, (drain) => drain.onDrain(hook))

/**
 * Whether the current run is draining.
 *
 * @since 0.1.0
 * @category drain
 */
export const isDraining: Effect.Effect<boolean> = Effect.flatMap(internal.Drain, (drain) => drain.isDraining)

/**
 * Builds the layer and runs until shutdown is requested or the fiber is interrupted; see the
 * module documentation for the order of the shutdown.
 *
 * @example
 * ```ts
 * import { NodeRuntime } from "@effect/platform-node"
 * import { Layer } from "effect"
 * import { Http, Lifecycle, McpServer } from "turbomcp-server"
 *
 * const Main = Http.layer({ port: 3000 }).pipe(Layer.provide(McpServer.layer({ name: "demo", version: "1.0.0" })))
 * NodeRuntime.runMain(Lifecycle.launch(Main))
 * ```
 *
 * @since 0.1.0
 * @category running
 */
export const launch: <E>(layer: Layer.Layer<never, E, never>) => Effect.Effect<void, E> = internal.launch

/**
 * Asks the running `launch` to stop.
 *
 * @since 0.1.0
 * @category running
 */
export const requestShutdown: Effect.Effect<void> = Effect.flatMap(internal.Shutdown, (s) => s.request)
