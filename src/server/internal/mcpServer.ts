/** @internal */
import * as Cause from "effect/Cause"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as PubSub from "effect/PubSub"
import * as Queue from "effect/Queue"
import * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import * as crypto from "node:crypto"
import * as JsonRpc from "../../protocol/JsonRpc.js"
import * as McpError from "../../protocol/McpError.js"
import * as Modern from "../../protocol/Modern.js"
import type * as Version from "../../protocol/Version.js"
import * as ClientSession from "../ClientSession.js"
import type * as McpServer from "../McpServer.js"
import type { Outbound } from "../Outbound.js"
import { Registry } from "../Registry.js"
import type * as RegistryNs from "../Registry.js"
import * as RequestMeta from "../RequestMeta.js"
import { TaskStore } from "../TaskStore.js"
import * as Dispatcher from "./dispatcher.js"
import * as RequestState from "./requestState.js"
import * as Tasks from "./tasks.js"

const decodeCancelled = (params: unknown) => {
  const p = params as Record<string, unknown> | undefined
  const id = p?.requestId
  return typeof id === "string" || typeof id === "number" ? id : undefined
}

const isObject = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)

// Methods the 2026-07-28 revision removed; they answer -32601 there.
const removedInModern = new Set([
  "initialize",
  "ping",
  "logging/setLevel",
  "resources/subscribe",
  "resources/unsubscribe",
  "tasks/result",
  "tasks/list"
])

// Methods whose handlers may ask the client for input (MRTR) in the modern revision.
const mayRequireInput = new Set(["tools/call", "prompts/get", "resources/read"])

// Results that carry cache hints in the modern revision.
const cacheable: Record<string, "list" | "read" | "discover"> = {
  "tools/list": "list",
  "prompts/list": "list",
  "resources/list": "list",
  "resources/templates/list": "list",
  "resources/read": "read",
  "server/discover": "discover"
}

interface Listener {
  readonly id: JsonRpc.RequestId
  readonly tools: boolean
  readonly prompts: boolean
  readonly resources: boolean
  readonly resourceSubscriptions: ReadonlySet<string>
  readonly taskIds: ReadonlySet<string>
  readonly send: (method: string, params: Record<string, unknown>) => Effect.Effect<void>
}

/** @internal */
export const make = (options: McpServer.Options) =>
  Effect.gen(function*() {
    const registry = yield* Registry
    const dispatcher = Dispatcher.make(options, registry)
    const stateKey = options.requestStateKey === undefined
      ? crypto.randomBytes(32)
      : Buffer.from(Redacted.value(options.requestStateKey))
    const hints = {
      list: { ttlMs: options.cacheHints?.lists?.ttlMs ?? 60_000, cacheScope: options.cacheHints?.lists?.scope ?? "public" },
      read: { ttlMs: options.cacheHints?.read?.ttlMs ?? 0, cacheScope: options.cacheHints?.read?.scope ?? "private" },
      discover: {
        ttlMs: options.cacheHints?.discover?.ttlMs ?? 3_600_000,
        cacheScope: options.cacheHints?.discover?.scope ?? "public"
      }
    }
    // Open sessions and listen subscriptions; private to this closure, touched only synchronously.
    const sessions = new Set<ClientSession.ClientSession>()
    const listeners = new Set<Listener>()
    const closing = yield* Deferred.make<void>()
    yield* Effect.addFinalizer(() => Deferred.succeed(closing, undefined))

    const broadcast = (text: string, to: (state: ClientSession.State) => boolean) =>
      Effect.forEach(
        [...sessions],
        (session) => Effect.flatMap(Ref.get(session.state), (state) => to(state) ? session.push(text) : Effect.void),
        { discard: true }
      )

    const notifyListeners = (method: string, params: Record<string, unknown>, to: (l: Listener) => boolean) =>
      Effect.forEach([...listeners], (l) => to(l) ? l.send(method, params) : Effect.void, { discard: true })

    // The tasks extension: task fibers run in this scope, their state in the TaskStore.
    const tasks = yield* Tasks.make({
      store: yield* TaskStore,
      registry,
      dispatch: dispatcher.dispatch,
      ttlMs: options.tasks?.ttlMs === undefined ? 3_600_000 : options.tasks.ttlMs,
      pollIntervalMs: options.tasks?.pollIntervalMs ?? 1_000,
      onChange: (task) =>
        notifyListeners("notifications/tasks", Tasks.detailed(task), (l) => l.taskIds.has(task.taskId))
    })

    // Registry changes become list_changed notifications for initialized sessions and listeners.
    const changes = yield* PubSub.subscribe(registry.changes)
    yield* Queue.take(changes).pipe(
      Effect.flatMap((kind: RegistryNs.ListKind) => {
        const method = `notifications/${kind}/list_changed`
        return Effect.zipRight(
          broadcast(JsonRpc.notificationText(method, undefined), (s) => s.phase === "ready"),
          notifyListeners(method, {}, (l) => l[kind])
        )
      }),
      Effect.forever,
      Effect.forkScoped
    )

    // Failures become JSON-RPC errors (interruption stays interruption: a cancelled request
    // gets no answer); one matchCause, the cheapest way on the hot path.
    const failureReply = (request: JsonRpc.Request, version: Version.ProtocolVersion) =>
    (cause: Cause.Cause<McpError.McpError>): Effect.Effect<McpServer.Reply> => {
      if (Cause.isInterruptedOnly(cause)) return Effect.failCause(cause as Cause.Cause<never>)
      const failure = Cause.failureOption(cause)
      if (failure._tag === "Some") {
        const error = McpError.toErrorObject(failure.value, version)
        return Effect.succeed({ text: JsonRpc.errorText(request.id, error), errorCode: error.code })
      }
      return Effect.as(
        Effect.logError(`Request ${request.method} failed`, cause),
        {
          text: JsonRpc.errorText(request.id, { code: JsonRpc.ErrorCode.InternalError, message: "Internal error" }),
          errorCode: JsonRpc.ErrorCode.InternalError
        }
      )
    }

    const toReply = (request: JsonRpc.Request, version: Version.ProtocolVersion) =>
    (effect: Effect.Effect<unknown, McpError.McpError>): Effect.Effect<McpServer.Reply> =>
      Effect.matchCauseEffect(effect, {
        onSuccess: (result) => Effect.succeed({ text: JsonRpc.successText(request.id, result), errorCode: undefined }),
        onFailure: failureReply(request, version)
      })

    const toText = (request: JsonRpc.Request, version: Version.ProtocolVersion) =>
    (effect: Effect.Effect<unknown, McpError.McpError>): Effect.Effect<string> =>
      Effect.matchCauseEffect(effect, {
        onSuccess: (result) => Effect.succeed(JsonRpc.successText(request.id, result)),
        onFailure: (cause) => Effect.map(failureReply(request, version)(cause), textOf)
      })

    const textOf = (reply: McpServer.Reply) => reply.text

    const handle = (request: JsonRpc.Request, env: Dispatcher.Env) =>
      toText(request, env.meta.protocolVersion)(dispatcher.dispatch(request, env))

    const handleLegacy = (
      session: ClientSession.ClientSession,
      request: JsonRpc.Request,
      outbound: Outbound,
      extras: McpServer.RequestExtras = {}
    ) =>
      Effect.flatMap(Ref.get(session.state), (state) => {
        const reply = toReply(request, state.protocolVersion)
        if (state.phase === "new" && request.method !== "initialize" && request.method !== "ping") {
          return Effect.map(reply(Effect.fail(new McpError.NotInitialized({ method: request.method }))), textOf)
        }
        if (state.phase !== "new" && request.method === "initialize") {
          return Effect.map(
            reply(Effect.fail(new McpError.InvalidRequest({ message: "Session already initialized" }))),
            textOf
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

    // --- 2026-07-28 ---------------------------------------------------------------------------

    const discover = (version: Version.ProtocolVersion) => ({
      supportedVersions: Modern.supportedVersions,
      capabilities: dispatcher.capabilitiesFor(version),
      ...(options.instructions === undefined ? {} : { instructions: options.instructions })
    })

    const listen = (request: JsonRpc.Request, meta: RequestMeta.RequestMeta, outbound: Outbound) =>
      Effect.gen(function*() {
        const filter = request.params?.notifications
        if (!isObject(filter)) {
          return yield* new McpError.InvalidParams({ message: "Invalid params: notifications filter is required" })
        }
        const subscriptions = Array.isArray(filter.resourceSubscriptions)
          ? filter.resourceSubscriptions.filter((u): u is string => typeof u === "string")
          : []
        const taskIds: Array<string> = []
        if (filter.taskIds !== undefined) {
          if (!Tasks.declares(meta)) return yield* Tasks.missingCapability()
          for (const id of Array.isArray(filter.taskIds) ? filter.taskIds : []) {
            if (typeof id === "string" && (yield* tasks.visible(id, meta))) taskIds.push(id)
          }
        }
        const honored: Record<string, unknown> = {}
        if (filter.toolsListChanged === true) honored.toolsListChanged = true
        if (filter.promptsListChanged === true) honored.promptsListChanged = true
        if (filter.resourcesListChanged === true) honored.resourcesListChanged = true
        if (subscriptions.length > 0) honored.resourceSubscriptions = subscriptions
        if (taskIds.length > 0) honored.taskIds = taskIds
        const tag = { [Modern.MetaKey.subscriptionId]: request.id }
        const listener: Listener = {
          id: request.id,
          tools: honored.toolsListChanged === true,
          prompts: honored.promptsListChanged === true,
          resources: honored.resourcesListChanged === true,
          resourceSubscriptions: new Set(subscriptions),
          taskIds: new Set(taskIds),
          send: (method, params) => outbound.notify(method, { ...params, _meta: tag })
        }
        yield* outbound.notify("notifications/subscriptions/acknowledged", { _meta: tag, notifications: honored })
        yield* Effect.acquireRelease(
          Effect.sync(() => listeners.add(listener)),
          () => Effect.sync(() => listeners.delete(listener))
        )
        // Ends when the client closes the stream (interruption) or the server shuts down.
        yield* Deferred.await(closing)
        return { _meta: tag }
      }).pipe(Effect.scoped)

    // Runs a request whose handler may ask the client for input: answers come from the
    // retry's `inputResponses` and the verified `requestState`; a handler that needs an
    // answer it lacks ends the round with an InputRequiredResult.
    const withInputs = (
      request: JsonRpc.Request,
      meta: RequestMeta.RequestMeta,
      outbound: Outbound,
      // How the handler runs with the round's outbound; the tasks runner supplies its own.
      run: (outbound: Outbound) => Effect.Effect<unknown, McpError.McpError> = (o) =>
        dispatcher.dispatch(request, { meta, outbound: o, session: undefined })
    ) =>
      Effect.gen(function*() {
        const params = request.params ?? {}
        const binding = RequestState.bindingOf(request.method, params)
        let answers: Record<string, unknown> = {}
        if (params.requestState !== undefined) {
          answers = { ...(yield* RequestState.verify(stateKey, params.requestState, binding)) }
        }
        if (isObject(params.inputResponses)) answers = { ...answers, ...params.inputResponses }
        const pending = new Map<string, { readonly method: string; readonly params: unknown }>()
        const needed = yield* Deferred.make<void>()
        const inputOutbound: Outbound = {
          ...outbound,
          request: (method, p, key) =>
            Effect.suspend(() => {
              const k = key ?? method
              if (Object.hasOwn(answers, k) && answers[k] !== null && answers[k] !== undefined) {
                return Effect.succeed(answers[k])
              }
              pending.set(k, { method, params: p })
              return Effect.zipRight(Deferred.succeed(needed, undefined), Effect.never)
            })
        }
        const outcome = yield* Effect.raceFirst(
          Effect.map(run(inputOutbound), (result) => ({ _tag: "Complete" as const, result })),
          // Let concurrent branches of the handler register their requests before ending the round.
          Deferred.await(needed).pipe(
            Effect.zipRight(Effect.repeatN(Effect.yieldNow(), 8)),
            Effect.as({ _tag: "InputRequired" as const, result: undefined })
          )
        )
        if (outcome._tag === "Complete") return outcome.result
        return {
          resultType: "input_required",
          inputRequests: Object.fromEntries(pending),
          requestState: RequestState.sign(stateKey, binding, answers, options.requestStateTtl ?? 600_000)
        }
      })

    const shapeModern = (method: string, result: unknown, serverInfo: Record<string, unknown>): unknown => {
      if (!isObject(result)) return result
      const meta = isObject(result._meta) ? result._meta : {}
      const kind = cacheable[method]
      return {
        // The server's hints are defaults: a definition's own (already in the result) win.
        ...(kind === undefined || result.resultType === "input_required" ? {} : hints[kind]),
        ...result,
        resultType: result.resultType ?? "complete",
        _meta: { ...meta, [Modern.MetaKey.serverInfo]: serverInfo }
      }
    }

    const handleModern = (request: JsonRpc.Request, outbound: Outbound, extras: McpServer.RequestExtras = {}) => {
      const envelope = Modern.readEnvelope(request.params)
      if (Either.isLeft(envelope)) {
        const error = McpError.toErrorObject(envelope.left, "2026-07-28")
        return Effect.succeed<McpServer.Reply>({ text: JsonRpc.errorText(request.id, error), errorCode: error.code })
      }
      const { clientCapabilities, clientInfo, logLevel, protocolVersion } = envelope.right
      const reply = toReply(request, protocolVersion)
      const serverInfo = dispatcher.serverInfoFor(protocolVersion)
      const meta: RequestMeta.RequestMeta = {
        protocolVersion,
        clientCapabilities,
        clientInfo,
        logLevel,
        progressToken: RequestMeta.progressTokenOf(request.params),
        traceparent: extras.traceparent ?? RequestMeta.metaString(request.params, "traceparent"),
        tracestate: extras.tracestate ?? RequestMeta.metaString(request.params, "tracestate"),
        principal: extras.principal,
        sessionId: undefined
      }
      const method = request.method
      let run: Effect.Effect<unknown, McpError.McpError>
      if (removedInModern.has(method) || !dispatcher.knows(method) && method !== "server/discover" && method !== "subscriptions/listen" && !Tasks.methods.has(method)) {
        run = Effect.fail(new McpError.MethodNotFound({ method }))
      } else if (method === "server/discover") run = Effect.succeed(discover(protocolVersion))
      else if (method === "subscriptions/listen") run = listen(request, meta, outbound)
      else if (Tasks.methods.has(method)) run = tasks.handle(method, request.params, meta)
      else if (mayRequireInput.has(method)) run = withInputs(request, meta, outbound, tasks.dispatchFor(request, meta))
      else run = dispatcher.dispatch(request, { meta, outbound, session: undefined })
      return reply(Effect.map(run, (result) => shapeModern(method, result, serverInfo)))
    }

    // --- sessions and notifications ---------------------------------------------------------------

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
      Effect.zipRight(
        broadcast(
          JsonRpc.notificationText("notifications/resources/updated", { uri }),
          (s) => s.subscriptions.has(uri)
        ),
        notifyListeners("notifications/resources/updated", { uri }, (l) => l.resourceSubscriptions.has(uri))
      )

    return {
      options,
      registry,
      handle,
      handleLegacy,
      handleModern,
      receive,
      openSession,
      closeSession,
      notifyResourceUpdated,
      sessionCount: () => sessions.size,
      listenerCount: () => listeners.size,
      closeListeners: Deferred.succeed(closing, undefined).pipe(Effect.asVoid)
    } satisfies McpServer.McpServer["Type"]
  })
