/**
 * How a server's run ends. `launch` builds the application layer and runs until a
 * transport asks to stop (stdio reached end of input) or the process is
 * interrupted (SIGTERM/SIGINT under `NodeRuntime.runMain`); closing the scope then
 * runs every finalizer: transports drain, sockets and clients close.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

/**
 * A transport's way to end the run. Outside `launch` it does nothing, so layers
 * built by tests or users' own programs keep running until their scope closes.
 *
 * @since 0.1.0
 * @category services
 */
export class Shutdown extends Context.Reference<Shutdown>()("turbomcp/Lifecycle/Shutdown", {
  defaultValue: () => ({ request: Effect.void as Effect.Effect<void> })
}) {}

/**
 * Builds the layer and runs until shutdown is requested or the fiber is interrupted.
 *
 * @example
 * import { NodeRuntime } from "@effect/platform-node"
 * import { Lifecycle } from "turbomcp-server"
 * // NodeRuntime.runMain(Lifecycle.launch(Main))
 *
 * @since 0.1.0
 * @category running
 */
export const launch = <E>(layer: Layer.Layer<never, E, never>): Effect.Effect<void, E> =>
  Effect.scoped(
    Effect.gen(function*() {
      const stop = yield* Deferred.make<void>()
      yield* Layer.build(layer).pipe(
        Effect.provideService(Shutdown, { request: Effect.asVoid(Deferred.succeed(stop, undefined)) })
      )
      yield* Deferred.await(stop)
    })
  )

/**
 * Asks the running `launch` to stop.
 *
 * @since 0.1.0
 * @category running
 */
export const requestShutdown: Effect.Effect<void> = Effect.flatMap(Shutdown, (s) => s.request)
