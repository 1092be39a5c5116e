// Drives an McpServer in-process, as a transport would: a session whose pushes are
// recorded, a recording Outbound for request-scoped messages, and helpers that send
// requests, notifications and answers to server-initiated requests.
import { Effect, Exit, Fiber, Layer, Queue } from "effect"
import type { JsonRpc } from "turbomcp-server"
import { McpServer } from "turbomcp-server"

export type Wire = Record<string, any>
type Outbound = Parameters<McpServer.McpServer["Type"]["handleLegacy"]>[2]

/** The demo-like server info every harness test uses. */
export const serverOptions: McpServer.Options = { name: "test-server", version: "1.2.3" }

/** McpServer + Registry with `registrations` on top (e.g. `McpServer.tools(...)`). */
export const serverLayer = <R = never>(
  registrations: Layer.Layer<never, never, R> = Layer.empty as Layer.Layer<never, never, R>,
  options: McpServer.Options = serverOptions
) => registrations.pipe(Layer.provideMerge(McpServer.layer(options)))

let sessionCounter = 0

export const makeClient = (options: { readonly id?: string } = {}) =>
  Effect.gen(function*() {
    const server = yield* McpServer.McpServer
    /** Messages that belong to no request (list_changed, resources/updated). */
    const pushed = yield* Queue.unbounded<Wire>()
    /** Request-scoped messages: progress, logs, server-to-client requests. */
    const sent = yield* Queue.unbounded<Wire>()
    const session = yield* server.openSession({
      id: options.id ?? `session-${++sessionCounter}`,
      push: (text) => Queue.offer(pushed, JSON.parse(text))
    })
    const outbound: Outbound = {
      notify: (method, params) => Queue.offer(sent, { jsonrpc: "2.0", method, params }),
      request: (method, params) => session.request((text) => Queue.offer(sent, JSON.parse(text)), method, params),
      closeStream: Effect.void
    }
    let nextId = 1
    const message = (method: string, params: unknown, id: JsonRpc.RequestId): JsonRpc.Request => ({
      _tag: "Request",
      id,
      method,
      params: params as Record<string, unknown> | undefined
    })
    /** Sends a request and parses the response text the server answers. */
    const request = (method: string, params?: unknown, id: JsonRpc.RequestId = nextId++) =>
      Effect.map(server.handleLegacy(session, message(method, params, id), outbound), (text) => JSON.parse(text) as Wire)
    /** Starts a request in a fiber tracked by the session (so `notifications/cancelled` can reach it). */
    const start = (method: string, params?: unknown, id: JsonRpc.RequestId = nextId++) =>
      Effect.gen(function*() {
        const fiber = yield* Effect.fork(request(method, params, id))
        session.track(id, fiber)
        yield* Effect.addFinalizer(() => Effect.sync(() => session.untrack(id)))
        return { id, fiber }
      })
    const notify = (method: string, params?: unknown) =>
      server.receive(session, { _tag: "Notification", method, params: params as Record<string, unknown> | undefined })
    const respond = (id: JsonRpc.RequestId, result: unknown) =>
      server.receive(session, { _tag: "Response", id, result, error: undefined })
    const respondError = (id: JsonRpc.RequestId, code: number, errorMessage: string) =>
      server.receive(session, { _tag: "Response", id, result: undefined, error: { code, message: errorMessage } })
    /** `initialize` + `notifications/initialized`; returns the initialize response. */
    const initialize = (protocolVersion = "2025-11-25", capabilities: Record<string, unknown> = {}) =>
      Effect.gen(function*() {
        const response = yield* request("initialize", {
          protocolVersion,
          capabilities,
          clientInfo: { name: "harness", version: "0.0.1" }
        })
        yield* notify("notifications/initialized")
        return response
      })
    return {
      server,
      session,
      outbound,
      pushed,
      sent,
      request,
      start,
      notify,
      respond,
      respondError,
      initialize,
      /** Everything request-scoped sent so far, without waiting. */
      drainSent: Effect.map(Queue.takeAll(sent), (chunk) => [...chunk]),
      drainPushed: Effect.map(Queue.takeAll(pushed), (chunk) => [...chunk])
    }
  })

/** Waits until the fiber is suspended somewhere (e.g. on Effect.sleep or a Deferred). */
export const settle = Effect.repeatN(Effect.yieldNow(), 20)

export const isInterrupted = <A, E>(fiber: Fiber.Fiber<A, E>) =>
  Effect.map(Fiber.await(fiber), Exit.isInterrupted)
