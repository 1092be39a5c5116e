/** @internal */
import * as Effect from "effect/Effect"
import * as Queue from "effect/Queue"
import * as JsonRpc from "../../protocol/JsonRpc.js"
import * as Modern from "../../protocol/Modern.js"
import * as Version from "../../protocol/Version.js"
import type { ClientSession } from "../../server/ClientSession.js"
import type { Outbound } from "../../server/Outbound.js"
import { McpServer } from "../../server/McpServer.js"
import * as TestClient from "../TestClient.js"

interface Parsed {
  readonly id?: JsonRpc.RequestId
  readonly method?: string
  readonly params?: Record<string, unknown>
  readonly result?: unknown
  readonly error?: { readonly code: number; readonly message: string; readonly data?: unknown }
}

const toEffect = (text: string): Effect.Effect<any, TestClient.RpcError> => {
  const parsed = JSON.parse(text) as Parsed
  return parsed.error === undefined
    ? Effect.succeed(parsed.result)
    : Effect.fail(new TestClient.RpcError(parsed.error))
}

/** @internal */
export const make = (options: TestClient.Options = {}) =>
  Effect.gen(function*() {
    const server = yield* McpServer
    const notifications = yield* Queue.unbounded<TestClient.Notification>()
    const capabilities = options.capabilities ?? {
      ...(options.onElicit ? { elicitation: { form: {}, url: {} } } : {}),
      ...(options.onSample ? { sampling: {} } : {}),
      ...(options.onListRoots ? { roots: { listChanged: true } } : {})
    }
    const answer = (method: string, params: unknown): Effect.Effect<unknown> => {
      const p = (params ?? {}) as Record<string, unknown>
      switch (method) {
        case "elicitation/create":
          return options.onElicit ? options.onElicit(p) : Effect.die(`no onElicit handler for ${method}`)
        case "sampling/createMessage":
          return options.onSample ? options.onSample(p) : Effect.die(`no onSample handler for ${method}`)
        case "roots/list":
          return options.onListRoots
            ? Effect.map(options.onListRoots(), (roots) => ({ roots }))
            : Effect.die(`no onListRoots handler for ${method}`)
        default:
          return Effect.die(`unexpected server request ${method}`)
      }
    }

    // Messages the server writes arrive as text, as on a wire.
    const receive = (text: string): Effect.Effect<void> =>
      Effect.suspend(() => {
        const message = JSON.parse(text) as Parsed
        if (message.method === undefined) return Effect.void
        if (message.id === undefined) {
          return Queue.offer(notifications, { method: message.method, params: message.params })
        }
        const id = message.id
        return answer(message.method, message.params).pipe(
          Effect.flatMap((result) =>
            server.receive(session, { _tag: "Response", id, result, error: undefined })
          )
        )
      })

    const session: ClientSession = yield* Effect.acquireRelease(
      server.openSession({ id: `test-${Math.random().toString(36).slice(2)}`, push: receive }),
      (s) => server.closeSession(s)
    )
    const outbound: Outbound = {
      notify: (method, params) => receive(JsonRpc.notificationText(method, params)),
      request: (method, params) => session.request(receive, method, params),
      closeStream: Effect.void
    }
    let nextId = 1
    const nextRequestId = () => nextId

    const request = (method: string, params?: Record<string, unknown>) =>
      Effect.suspend(() => {
        const req: JsonRpc.Request = { _tag: "Request", id: nextId++, method, params }
        return Effect.flatMap(server.handleLegacy(session, req, outbound), toEffect)
      })

    const notify = (method: string, params?: Record<string, unknown>) =>
      server.receive(session, { _tag: "Notification", method, params })

    const initialize = Effect.tap(
      request("initialize", {
        protocolVersion: options.protocolVersion ?? Version.latestLegacy,
        capabilities,
        clientInfo: { name: "turbomcp-test-client", version: "0.1.0" }
      }),
      () => notify("notifications/initialized")
    )

    const modernOnce = (
      method: string,
      params: Record<string, unknown> = {},
      opts: TestClient.ModernOptions = {}
    ): Effect.Effect<any, TestClient.RpcError> =>
      Effect.suspend(() => {
        const req: JsonRpc.Request = {
          _tag: "Request",
          id: nextId++,
          method,
          params: {
            ...params,
            _meta: {
              ...(params._meta as Record<string, unknown> | undefined),
              [Modern.MetaKey.protocolVersion]: Version.modern,
              [Modern.MetaKey.clientCapabilities]: opts.capabilities ?? capabilities,
              [Modern.MetaKey.clientInfo]: { name: "turbomcp-test-client", version: "0.1.0" }
            }
          }
        }
        return Effect.flatMap(server.handleModern(req, outbound), (reply) => toEffect(reply.text))
      })

    const modern = (
      method: string,
      params: Record<string, unknown> = {},
      opts: TestClient.ModernOptions = {}
    ): Effect.Effect<any, TestClient.RpcError> =>
      modernOnce(method, params, opts).pipe(
        Effect.flatMap((result: any) => {
          if (result?.resultType !== "input_required") return Effect.succeed(result)
          // Answer every input request with the handlers, then retry with the state.
          return Effect.forEach(
            Object.entries(result.inputRequests ?? {}) as Array<[string, { method: string; params: unknown }]>,
            ([key, r]) => Effect.map(answer(r.method, r.params), (value) => [key, value] as const)
          ).pipe(
            Effect.flatMap((entries) =>
              modern(method, {
                ...params,
                inputResponses: Object.fromEntries(entries),
                ...(result.requestState === undefined ? {} : { requestState: result.requestState })
              }, opts)
            )
          )
        })
      )

    const terminal = new Set(["completed", "failed", "cancelled"])
    const awaitTask = (taskId: string, opts: TestClient.AwaitTaskOptions = {}): Effect.Effect<any, TestClient.RpcError> =>
      Effect.flatMap(modernOnce("tasks/get", { taskId }, opts), (task: any) => {
        if (terminal.has(task.status) || opts.until?.includes(task.status)) return Effect.succeed(task)
        const pause = Effect.sleep(opts.interval ?? task.pollIntervalMs ?? 10)
        if (task.status !== "input_required" || opts.answerInputs === false) {
          return Effect.zipRight(pause, awaitTask(taskId, opts))
        }
        return Effect.forEach(
          Object.entries(task.inputRequests ?? {}) as Array<[string, { method: string; params: unknown }]>,
          ([key, r]) => Effect.map(answer(r.method, r.params), (value) => [key, value] as const)
        ).pipe(
          Effect.flatMap((entries) =>
            modernOnce("tasks/update", { taskId, inputResponses: Object.fromEntries(entries) }, opts)
          ),
          Effect.zipRight(awaitTask(taskId, opts))
        )
      })

    return {
      request,
      notify,
      initialize,
      callTool: (name, args) => request("tools/call", { name, arguments: args ?? {} }),
      modern,
      modernOnce,
      awaitTask,
      notifications,
      nextRequestId
    } satisfies TestClient.TestClient
  })
