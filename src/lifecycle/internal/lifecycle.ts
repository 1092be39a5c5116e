/** @internal */
import * as Cause from "effect/Cause"
import * as Context from "effect/Context"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Ref from "effect/Ref"
import type * as Scope from "effect/Scope"

/** @internal */
export interface DrainService {
  readonly begin: Effect.Effect<void>
  readonly onDrain: (hook: Effect.Effect<void>) => Effect.Effect<void, never, Scope.Scope>
  readonly isDraining: Effect.Effect<boolean>
  readonly await: Effect.Effect<void>
}

/** @internal */
export class Shutdown extends Context.Reference<Shutdown>()("turbomcp/Lifecycle/Shutdown", {
  defaultValue: () => ({ request: Effect.void as Effect.Effect<void> })
}) {}

// Outside `launch` nothing starts a drain: hooks are accepted and never run, so layers built
// by tests or by users' own programs behave as before.
const inert: DrainService = {
  begin: Effect.void,
  onDrain: () => Effect.void,
  isDraining: Effect.succeed(false),
  await: Effect.never
}

/** @internal */
export class Drain extends Context.Reference<Drain>()("turbomcp/Lifecycle/Drain", {
  defaultValue: (): DrainService => inert
}) {}

/** @internal */
export const makeDrain: Effect.Effect<DrainService> = Effect.gen(function*() {
  const started = yield* Deferred.make<void>()
  // Each hook is its own object, so a scope removes exactly the hook it added.
  const hooks = yield* Ref.make<ReadonlyArray<{ readonly run: Effect.Effect<void> }>>([])

  const runHook = (hook: { readonly run: Effect.Effect<void> }) =>
    Effect.flatMap(Effect.exit(hook.run), (exit) =>
      Exit.isFailure(exit) && !Cause.isInterruptedOnly(exit.cause)
        ? Effect.logWarning("A drain hook failed", exit.cause)
        : Effect.void)

  // Hooks run once, in registration order, and uninterruptibly: they are short signals
  // (readiness, listen streams, state), and shutdown must not skip one half-way.
  const begin = Effect.uninterruptible(
    Effect.flatMap(Deferred.succeed(started, undefined), (first) =>
      first
        ? Effect.flatMap(Ref.get(hooks), (all) => Effect.forEach(all, runHook, { discard: true }))
        : Effect.void)
  )

  const onDrain = (run: Effect.Effect<void>) =>
    Effect.asVoid(Effect.acquireRelease(
      Effect.flatMap(Deferred.isDone(started), (done) => {
        const hook = { run }
        // Registered after the drain began: run at once, so late layers still hear of it.
        return done
          ? Effect.as(runHook(hook), hook)
          : Effect.as(Ref.update(hooks, (all) => [...all, hook]), hook)
      }),
      (hook) => Ref.update(hooks, (all) => all.filter((h) => h !== hook))
    ))

  return {
    begin,
    onDrain,
    isDraining: Deferred.isDone(started),
    await: Deferred.await(started)
  } satisfies DrainService
})

/** @internal */
export interface RunOptions<ROut> {
  /** Completing it ends the run (a transport's `Shutdown.request`, `SharedServer.shutdown`). */
  readonly stop: Deferred.Deferred<void>
  readonly drain: DrainService
  /** Runs once the layer is built, in the run's scope. */
  readonly onStart?: ((context: Context.Context<ROut>) => Effect.Effect<void, never, Scope.Scope>) | undefined
}

/**
 * Builds the layer and waits for `stop` or interruption. Closing the scope then runs, in
 * order: the drain hooks (readiness 503, listen streams ended), then the layers' finalizers in
 * reverse order of acquisition (transports drain requests in flight, sockets and clients close).
 *
 * @internal
 */
export const run = <ROut, E>(layer: Layer.Layer<ROut, E>, options: RunOptions<ROut>): Effect.Effect<void, E> =>
  Effect.scoped(
    Effect.gen(function*() {
      const context = yield* Layer.build(layer).pipe(
        Effect.provideService(Shutdown, { request: Effect.asVoid(Deferred.succeed(options.stop, undefined)) }),
        Effect.provideService(Drain, options.drain)
      )
      if (options.onStart !== undefined) yield* options.onStart(context)
      // Added last, after every layer's finalizer (and those of `onStart`, which may register
      // drain hooks), so it runs before all of them when the scope closes.
      yield* Effect.addFinalizer(() => options.drain.begin)
      yield* Deferred.await(options.stop)
    })
  )

/** @internal */
export const launch = <E>(layer: Layer.Layer<never, E, never>): Effect.Effect<void, E> =>
  Effect.gen(function*() {
    const stop = yield* Deferred.make<void>()
    const drain = yield* makeDrain
    yield* run(layer, { stop, drain })
  })
