/** @internal */
// The request fibers a transport has running, so shutdown can wait for them (and, past
// its deadline, interrupt them). Touched only synchronously, from the transport's callbacks.
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"

/** @internal */
export interface InFlight {
  /** Tracks the fiber until it exits. */
  readonly add: (fiber: Fiber.RuntimeFiber<unknown, unknown>) => void
  readonly size: () => number
  /** Waits until nothing is in flight, including requests that start meanwhile. */
  readonly awaitEmpty: Effect.Effect<void>
  readonly interruptAll: Effect.Effect<void>
}

/** @internal */
export const make = (): InFlight => {
  const fibers = new Set<Fiber.RuntimeFiber<unknown, unknown>>()
  const awaitEmpty: Effect.Effect<void> = Effect.suspend(() =>
    fibers.size === 0 ? Effect.void : Effect.zipRight(Fiber.awaitAll([...fibers]), awaitEmpty)
  )
  return {
    add: (fiber) => {
      fibers.add(fiber)
      fiber.addObserver(() => fibers.delete(fiber))
    },
    size: () => fibers.size,
    awaitEmpty,
    interruptAll: Effect.suspend(() => Effect.forEach([...fibers], Fiber.interrupt, { discard: true }))
  }
}
