/** @internal */
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as JsonRpc from "../../protocol/JsonRpc.js"
import * as McpError from "../../protocol/McpError.js"
import * as Version from "../../protocol/Version.js"
import type * as ClientSession from "../ClientSession.js"

/** @internal */
export const initialState: ClientSession.State = {
  phase: "new",
  protocolVersion: Version.latestLegacy,
  clientCapabilities: {},
  clientInfo: undefined,
  logLevel: undefined,
  subscriptions: new Set()
}

interface Pending {
  readonly method: string
  readonly deferred: Deferred.Deferred<unknown, McpError.ClientError>
}

/** @internal */
export const make = (options: {
  readonly id: string
  readonly push: (text: string) => Effect.Effect<void>
  readonly clientRequestTimeout?: Duration.DurationInput
}): Effect.Effect<ClientSession.ClientSession> =>
  Effect.sync(() => {
    // Read synchronously on every request (the fast path), so a plain variable, changed only
    // through `updateState`.
    let state = initialState
    const timeout = Duration.toMillis(options.clientRequestTimeout ?? 300_000)
    // Private to this closure and touched only synchronously.
    const pending = new Map<JsonRpc.RequestId, Pending>()
    const inflight = new Map<JsonRpc.RequestId, Fiber.RuntimeFiber<unknown, unknown>>()
    let nextId = 0

    const request = (send: (text: string) => Effect.Effect<void>, method: string, params: unknown) =>
      Effect.suspend(() => {
        const id = `s${options.id.slice(0, 8)}-${nextId++}`
        return Effect.flatMap(Deferred.make<unknown, McpError.ClientError>(), (deferred) => {
          pending.set(id, { method, deferred })
          return send(JsonRpc.requestText(id, method, params)).pipe(
            Effect.zipRight(Deferred.await(deferred)),
            Effect.timeoutFail({ duration: timeout, onTimeout: () => new McpError.ClientTimeout({ method }) }),
            Effect.ensuring(Effect.sync(() => pending.delete(id)))
          )
        })
      })

    const resolve = (response: JsonRpc.Response) =>
      Effect.suspend(() => {
        const entry = pending.get(response.id)
        if (entry === undefined) return Effect.succeed(false)
        pending.delete(response.id)
        return response.error === undefined
          ? Deferred.succeed(entry.deferred, response.result)
          : Deferred.fail(
            entry.deferred,
            new McpError.ClientError({ method: entry.method, code: response.error.code, message: response.error.message })
          )
      })

    return {
      id: options.id,
      state: Effect.sync(() => state),
      updateState: (f) => Effect.sync(() => void (state = f(state))),
      unsafeState: () => state,
      push: options.push,
      request,
      resolve,
      track: (id, fiber) => void inflight.set(id, fiber),
      untrack: (id) => void inflight.delete(id),
      cancel: (id) =>
        Effect.suspend(() => {
          const fiber = inflight.get(id)
          return fiber === undefined ? Effect.void : Fiber.interruptFork(fiber)
        }),
      close: Effect.suspend(() =>
        Effect.forEach(
          [...pending.values()],
          (entry) =>
            Deferred.fail(
              entry.deferred,
              new McpError.ClientError({ method: entry.method, code: -32000, message: "Session closed" })
            ),
          { discard: true }
        )
      )
    }
  })
