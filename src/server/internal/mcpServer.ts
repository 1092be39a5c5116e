/** @internal */
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as PubSub from "effect/PubSub"
import * as Queue from "effect/Queue"
import * as Ref from "effect/Ref"
import * as JsonRpc from "../../protocol/JsonRpc.js"
import * as McpError from "../../protocol/McpError.js"
import * as McpSchema from "../../protocol/McpSchema.js"
import * as ClientSession from "../ClientSession.js"
import type * as McpServer from "../McpServer.js"
import type { Outbound } from "../Outbound.js"
import { Registry } from "../Registry.js"
import * as RequestMeta from "../RequestMeta.js"
import * as Dispatcher from "./dispatcher.js"

const decodeCancelled = (params: unknown) => {
  const p = params as Record<string, unknown> | undefined
  const id = p?.requestId
  return typeof id === "string" || typeof id === "number" ? id : undefined
}

/** @internal */
export const make = (options: McpServer.Options) =>
  Effect.gen(function*() {
    const registry = yield* Registry
    const dispatcher = Dispatcher.make(options, registry)
    // Open sessions; private to this closure, touched only synchronously.
    const sessions = new Set<ClientSession.ClientSession>()

    const broadcast = (text: string, to: (state: ClientSession.State) => boolean) =>
      Effect.forEach(
        [...sessions],
        (session) => Effect.flatMap(Ref.get(session.state), (state) => to(state) ? session.push(text) : Effect.void),
        { discard: true }
      )

    // Registry changes become list_changed notifications for initialized sessions.
    const changes = yield* PubSub.subscribe(registry.changes)
    yield* Queue.take(changes).pipe(
      Effect.flatMap((kind) =>
        broadcast(JsonRpc.notificationText(`notifications/${kind}/list_changed`, undefined), (s) => s.phase === "ready")
      ),
      Effect.forever,
      Effect.forkScoped
    )

    const answer = (request: JsonRpc.Request, version: McpServer.Options extends never ? never : Parameters<typeof McpError.toErrorObject>[1]) =>
    (effect: Effect.Effect<unknown, McpError.McpError>): Effect.Effect<string> =>
      effect.pipe(
        Effect.map((result) => JsonRpc.successText(request.id, result)),
        Effect.catchAllCause((cause) => {
          if (Cause.isInterruptedOnly(cause)) return Effect.failCause(cause as Cause.Cause<never>)
          const failure = Cause.failureOption(cause)
          if (failure._tag === "Some") {
            return Effect.succeed(JsonRpc.errorText(request.id, McpError.toErrorObject(failure.value, version)))
          }
          return Effect.as(
            Effect.logError(`Request ${request.method} failed`, cause),
            JsonRpc.errorText(request.id, { code: JsonRpc.ErrorCode.InternalError, message: "Internal error" })
          )
        })
      )

    const handle = (request: JsonRpc.Request, env: Dispatcher.Env) =>
      answer(request, env.meta.protocolVersion)(dispatcher.dispatch(request, env))

    const handleLegacy = (
      session: ClientSession.ClientSession,
      request: JsonRpc.Request,
      outbound: Outbound,
      extras: McpServer.RequestExtras = {}
    ) =>
      Effect.flatMap(Ref.get(session.state), (state) => {
        if (state.phase === "new" && request.method !== "initialize" && request.method !== "ping") {
          return answer(request, state.protocolVersion)(
            Effect.fail(new McpError.NotInitialized({ method: request.method }))
          )
        }
        if (state.phase !== "new" && request.method === "initialize") {
          return answer(request, state.protocolVersion)(
            Effect.fail(new McpError.InvalidRequest({ message: "Session already initialized" }))
          )
        }
        const meta: RequestMeta.RequestMeta = {
          protocolVersion: state.protocolVersion,
          clientCapabilities: state.clientCapabilities,
          clientInfo: state.clientInfo,
          logLevel: state.logLevel,
          progressToken: RequestMeta.progressTokenOf(request.params),
          traceparent: extras.traceparent ?? RequestMeta.metaString(request.params, "traceparent"),
          tracestate: extras.tracestate ?? RequestMeta.metaString(request.params, "tracestate"),
          principal: extras.principal,
          sessionId: session.id
        }
        return handle(request, { meta, outbound, session })
      })

    const receive = (session: ClientSession.ClientSession, message: JsonRpc.Notification | JsonRpc.Response) => {
      if (message._tag === "Response") return Effect.asVoid(session.resolve(message))
      switch (message.method) {
        case "notifications/initialized":
          return Ref.update(session.state, (s) => s.phase === "initializing" ? { ...s, phase: "ready" as const } : s)
        case "notifications/cancelled": {
          const id = decodeCancelled(message.params)
          return id === undefined ? Effect.void : session.cancel(id)
        }
        default:
          // Other notifications (roots/list_changed, progress for our requests) need no action here.
          return Effect.void
      }
    }

    const openSession = (opts: { readonly id: string; readonly push: (text: string) => Effect.Effect<void> }) =>
      Effect.tap(
        ClientSession.make(
          options.clientRequestTimeout === undefined ? opts : { ...opts, clientRequestTimeout: options.clientRequestTimeout }
        ),
        (session) => Effect.sync(() => sessions.add(session))
      )

    const closeSession = (session: ClientSession.ClientSession) =>
      Effect.zipRight(Effect.sync(() => sessions.delete(session)), session.close)

    const notifyResourceUpdated = (uri: string) =>
      broadcast(
        JsonRpc.notificationText("notifications/resources/updated", { uri }),
        (s) => s.subscriptions.has(uri)
      )

    return {
      options,
      registry,
      handle,
      handleLegacy,
      receive,
      openSession,
      closeSession,
      notifyResourceUpdated,
      sessionCount: () => sessions.size
    } satisfies McpServer.McpServer["Type"]
  })

void McpSchema
