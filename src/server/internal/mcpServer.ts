/** @internal */
import * as Cause from "effect/Cause"
import * as Deferred from "effect/Deferred"
import * as Context from "effect/Context"
import * as DefaultServices from "effect/DefaultServices"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as FiberRefs from "effect/FiberRefs"
import * as Option from "effect/Option"
import * as PubSub from "effect/PubSub"
import * as Queue from "effect/Queue"
import * as Redacted from "effect/Redacted"
import * as Runtime from "effect/Runtime"
import * as Schema from "effect/Schema"
import * as crypto from "node:crypto"
import { truncate } from "../../protocol/internal/preview.js"
import * as JsonRpc from "../../protocol/JsonRpc.js"
import * as McpError from "../../protocol/McpError.js"
import * as McpSchema from "../../protocol/McpSchema.js"
import * as Modern from "../../protocol/Modern.js"
import type * as Version from "../../protocol/Version.js"
import * as ClientSession from "../ClientSession.js"
import { McpContext } from "../McpContext.js"
import type * as McpServer from "../McpServer.js"
import type { Outbound } from "../Outbound.js"
import { Registry } from "../Registry.js"
import type * as RegistryNs from "../Registry.js"
import * as RequestMeta from "../RequestMeta.js"
import { TaskStore } from "../TaskStore.js"
import * as Dispatcher from "./dispatcher.js"
import * as RequestState from "./requestState.js"
import * as Tasks from "./tasks.js"

// Only `requestId` decides whether a cancellation applies: one with a malformed `reason` still
// cancels, as it always has. Compiled once; a notification with no usable id is ignored.
const decodeCancelledParams = Schema.decodeUnknownOption(McpSchema.CancelledParams.pick("requestId"))
const decodeCancelled = (params: unknown): string | number | undefined =>
  Option.getOrUndefined(decodeCancelledParams(params))?.requestId

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
    const requestStateTtlMs = Duration.toMillis(options.requestStateTtl ?? 600_000)
    const hints = {
      list: { ttlMs: Duration.toMillis(options.cacheHints?.lists?.ttlMs ?? 60_000), cacheScope: options.cacheHints?.lists?.scope ?? "public" },
      read: { ttlMs: Duration.toMillis(options.cacheHints?.read?.ttlMs ?? 0), cacheScope: options.cacheHints?.read?.scope ?? "private" },
      discover: {
        ttlMs: Duration.toMillis(options.cacheHints?.discover?.ttlMs ?? 3_600_000),
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
        (session) => to(session.unsafeState()) ? session.push(text) : Effect.void,
        { discard: true }
      )

    const notifyListeners = (method: string, params: Record<string, unknown>, to: (l: Listener) => boolean) =>
      Effect.forEach([...listeners], (l) => to(l) ? l.send(method, params) : Effect.void, { discard: true })

    // The tasks extension: task fibers run in this scope, their state in the TaskStore.
    const tasks = yield* Tasks.make({
      store: yield* TaskStore,
      registry,
      dispatch: dispatcher.dispatch,
      ttlMs: options.tasks?.ttlMs === null ? null : Duration.toMillis(options.tasks?.ttlMs ?? 3_600_000),
      pollIntervalMs: Duration.toMillis(options.tasks?.pollIntervalMs ?? 1_000),
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

    // --- answering ---------------------------------------------------------------------------
    //
    // A request is planned synchronously (its metadata, context and handler, `Plan`), then run
    // either as an Effect (`answer`: tests, batches, tasks) or, the transports' fast path, as a
    // fiber started with the request context already in its runtime (`begin`): no FiberRef
    // change per request, and the answer is made from the fiber's exit in plain code.

    // The default services (Clock, Tracer) a request runs with, for its observers.
    type Services = Context.Context<DefaultServices.DefaultServices>
    const servicesOf = (runtime: Runtime.Runtime<never>): Services =>
      FiberRefs.getOrDefault(runtime.fiberRefs, DefaultServices.currentServices)

    interface Plan {
      readonly request: JsonRpc.Request
      readonly version: Version.ProtocolVersion
      readonly prepared: Dispatcher.Prepared
      /** Applied to a successful result before it is written (2026-07-28 result shaping). */
      readonly shape: ((result: unknown) => unknown) | undefined
    }

    const failing = (request: JsonRpc.Request, version: Version.ProtocolVersion, error: McpError.McpError): Plan => ({
      request,
      version,
      prepared: Dispatcher.unprepared(Effect.fail(error)),
      shape: undefined
    })

    const internalError = (request: JsonRpc.Request): McpServer.Reply => ({
      text: JsonRpc.errorText(request.id, { code: JsonRpc.ErrorCode.InternalError, message: "Internal error" }),
      errorCode: JsonRpc.ErrorCode.InternalError
    })

    // The one way from a request's exit to its answer. Failures become JSON-RPC errors;
    // `undefined` means interrupted: a cancelled request gets no answer. A result that cannot
    // be serialized (a BigInt, a cycle) is an internal error, never a throw.
    const replyOf = (
      plan: Plan,
      exit: Exit.Exit<unknown, McpError.McpError>,
      onDefect: (cause: Cause.Cause<unknown>) => void
    ): McpServer.Reply | undefined => {
      if (Exit.isSuccess(exit)) {
        try {
          const result = plan.shape === undefined ? exit.value : plan.shape(exit.value)
          return { text: JsonRpc.successText(plan.request.id, result), errorCode: undefined }
        } catch (defect) {
          onDefect(Cause.die(defect))
          return internalError(plan.request)
        }
      }
      if (Cause.isInterruptedOnly(exit.cause)) return undefined
      const failure = Cause.failureOption(exit.cause)
      if (failure._tag === "Some") {
        const error = McpError.toErrorObject(failure.value, plan.version)
        return { text: JsonRpc.errorText(plan.request.id, error), errorCode: error.code }
      }
      return internalError(plan.request)
    }

    // A defect's log line names the request (its id and method, bounded: the client chose them).
    const logDefect = (request: JsonRpc.Request, cause: Cause.Cause<unknown>) =>
      Effect.logError(`Request ${truncate(request.method, 64)} failed`, cause).pipe(
        Effect.annotateLogs({ requestId: truncate(String(request.id), 64), method: truncate(request.method, 64) })
      )

    // Planning runs user-facing code synchronously (decoders, middleware, observers): whatever
    // it throws becomes the request's defect, answered -32603, and never reaches the transport.
    const planSafely = (request: JsonRpc.Request, version: Version.ProtocolVersion, plan: () => Plan): Plan => {
      try {
        return plan()
      } catch (defect) {
        return { request, version, prepared: Dispatcher.unprepared(Effect.die(defect)), shape: undefined }
      }
    }

    // A defect (not a protocol failure, not an interruption) is logged with its cause.
    const defectOf = (exit: Exit.Exit<unknown, McpError.McpError>): Cause.Cause<unknown> | undefined =>
      Exit.isFailure(exit) && !Cause.isInterruptedOnly(exit.cause) && Option.isNone(Cause.failureOption(exit.cause))
        ? exit.cause
        : undefined

    const answer = (plan: Plan): Effect.Effect<McpServer.Reply> =>
      Effect.flatMap(Effect.exit(Dispatcher.provide(plan.prepared)), (exit) => {
        let unserializable: Cause.Cause<unknown> | undefined
        const reply = replyOf(plan, exit, (cause) => unserializable = cause)
        if (unserializable !== undefined) return Effect.as(logDefect(plan.request, unserializable), reply!)
        // Interrupted: interruption propagates.
        if (reply === undefined) return Effect.failCause((exit as Exit.Failure<unknown, McpError.McpError>).cause as Cause.Cause<never>)
        const defect = defectOf(exit)
        return defect === undefined ? Effect.succeed(reply) : Effect.as(logDefect(plan.request, defect), reply)
      })

    // The request fiber's context: the transport's, the called tool's services (the fiber's
    // own win, as with `Effect.provide`) and the request context. The merge with a tool's
    // services is made once per tool and transport.
    const merged = new WeakMap<Context.Context<never>, WeakMap<Context.Context<never>, Context.Context<never>>>()
    const contextFor = (base: Context.Context<never>, prepared: Dispatcher.Prepared): Context.Context<never> => {
      let context = base
      if (prepared.context !== undefined) {
        let byBase = merged.get(prepared.context)
        if (byBase === undefined) merged.set(prepared.context, byBase = new WeakMap())
        const cached = byBase.get(base)
        if (cached !== undefined) context = cached
        else byBase.set(base, context = Context.merge(prepared.context, base))
      }
      const withRequest = Context.add(context, McpContext, prepared.ctx!)
      return prepared.observedContext === undefined ? withRequest : Context.merge(withRequest, prepared.observedContext)
    }

    const begin = (runtime: Runtime.Runtime<never>, plan: Plan): McpServer.Started => {
      const { prepared } = plan
      const fiber = prepared.ctx === undefined
        ? Runtime.runFork(runtime, prepared.effect as Effect.Effect<unknown, McpError.McpError>)
        : Runtime.runFork(
          Runtime.make({
            context: contextFor(runtime.context, prepared),
            fiberRefs: runtime.fiberRefs,
            runtimeFlags: runtime.runtimeFlags
          }),
          // The runtime's context now holds the request context the effect needs.
          prepared.effect as Effect.Effect<unknown, McpError.McpError>
        )
      // Defects are logged on the transport's runtime (its loggers: stderr on stdio).
      const reportDefect = (cause: Cause.Cause<unknown>) => void Runtime.runFork(runtime, logDefect(plan.request, cause))
      return {
        fiber,
        reply: (exit) => {
          const typed = exit as Exit.Exit<unknown, McpError.McpError>
          try {
            Dispatcher.notifyObservers(prepared, typed)
          } catch (defect) {
            reportDefect(Cause.die(defect))
          }
          const defect = defectOf(typed)
          if (defect !== undefined) reportDefect(defect)
          return replyOf(plan, typed, reportDefect)
        }
      }
    }

    const textOf = (reply: McpServer.Reply) => reply.text

    // A request's metadata: what its session's handshake or its own envelope negotiated, what
    // the transport knows (principal, trace headers), and what its `_meta` carries.
    const metaOf = (
      request: JsonRpc.Request,
      negotiated: Pick<RequestMeta.RequestMeta, "protocolVersion" | "clientCapabilities" | "clientInfo" | "logLevel">,
      extras: McpServer.RequestExtras,
      sessionId: string | undefined
    ): RequestMeta.RequestMeta => ({
      protocolVersion: negotiated.protocolVersion,
      clientCapabilities: negotiated.clientCapabilities,
      clientInfo: negotiated.clientInfo,
      logLevel: negotiated.logLevel,
      progressToken: RequestMeta.progressTokenOf(request.params),
      traceparent: extras.traceparent ?? RequestMeta.metaString(request.params, "traceparent"),
      tracestate: extras.tracestate ?? RequestMeta.metaString(request.params, "tracestate"),
      principal: extras.principal,
      sessionId
    })

    const planStateless = (request: JsonRpc.Request, env: Dispatcher.Env, services: Services): Plan => ({
      request,
      version: env.meta.protocolVersion,
      prepared: dispatcher.prepare(request, env, services),
      shape: undefined
    })

    const planLegacy = (
      session: ClientSession.ClientSession,
      request: JsonRpc.Request,
      outbound: Outbound,
      extras: McpServer.RequestExtras = {},
      services: Services
    ): Plan => {
      const state = session.unsafeState()
      if (state.phase === "new" && request.method !== "initialize" && request.method !== "ping") {
        return failing(request, state.protocolVersion, new McpError.NotInitialized({ method: request.method }))
      }
      if (state.phase !== "new" && request.method === "initialize") {
        return failing(request, state.protocolVersion, new McpError.InvalidRequest({ message: "Session already initialized" }))
      }
      return planStateless(request, { meta: metaOf(request, state, extras, session.id), outbound, session }, services)
    }

    const handle = (request: JsonRpc.Request, env: Dispatcher.Env) =>
      Effect.map(
        Effect.withFiberRuntime<McpServer.Reply>((fiber) =>
          answer(planSafely(request, env.meta.protocolVersion, () => planStateless(request, env, fiber.currentDefaultServices)))
        ),
        textOf
      )

    const handleLegacy = (
      session: ClientSession.ClientSession,
      request: JsonRpc.Request,
      outbound: Outbound,
      extras?: McpServer.RequestExtras
    ) =>
      Effect.map(
        Effect.withFiberRuntime<McpServer.Reply>((fiber) =>
          answer(planSafely(
            request,
            session.unsafeState().protocolVersion,
            () => planLegacy(session, request, outbound, extras, fiber.currentDefaultServices)
          ))
        ),
        textOf
      )

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
    // answer it lacks ends the round with an InputRequiredResult. The request that lacks one
    // lets the handler's other branches register theirs (a few yields), then dies with
    // `inputNeeded`: a private defect, so typed error handlers in user code (catchAll, either)
    // cannot swallow it. A handler that asks for nothing runs as any other request.
    const withInputs = (
      request: JsonRpc.Request,
      meta: RequestMeta.RequestMeta,
      outbound: Outbound,
      // How the handler runs with the round's outbound; the tasks runner supplies its own.
      run: ((outbound: Outbound) => Effect.Effect<unknown, McpError.McpError>) | undefined,
      services: Services
    ): Dispatcher.Prepared => {
      const params = request.params ?? {}
      // The digest of the arguments is computed only when a round needs it (verify or sign).
      let binding: RequestState.Binding | undefined
      const bindingNow = () => binding ??= RequestState.bindingOf(request.method, params)
      let answers: Record<string, unknown> = {}
      if (params.requestState !== undefined) {
        const verified = RequestState.verify(stateKey, params.requestState, bindingNow())
        if (Either.isLeft(verified)) return Dispatcher.unprepared(Effect.fail(verified.left))
        answers = { ...verified.right }
      }
      if (isObject(params.inputResponses)) answers = { ...answers, ...params.inputResponses }
      const pending = new Map<string, { readonly method: string; readonly params: unknown }>()
      const inputOutbound: Outbound = {
        ...outbound,
        request: (method, p, key) =>
          Effect.suspend(() => {
            const k = key ?? method
            if (Object.hasOwn(answers, k) && answers[k] !== null && answers[k] !== undefined) {
              return Effect.succeed(answers[k])
            }
            pending.set(k, { method, params: p })
            return Effect.zipRight(Effect.repeatN(Effect.yieldNow(), 8), Effect.die(Dispatcher.inputNeeded))
          })
      }
      const round = run === undefined
        ? dispatcher.prepare(request, { meta, outbound: inputOutbound, session: undefined }, services)
        : Dispatcher.unprepared(run(inputOutbound))
      return {
        ...round,
        effect: Effect.catchAllCause(round.effect, (cause) =>
          pending.size > 0 && Dispatcher.needsInput(cause)
            ? Effect.succeed({
              resultType: "input_required",
              inputRequests: Object.fromEntries(pending),
              requestState: RequestState.sign(stateKey, bindingNow(), answers, requestStateTtlMs)
            })
            : Effect.failCause(cause))
      }
    }

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

    const planModern = (
      request: JsonRpc.Request,
      outbound: Outbound,
      extras: McpServer.RequestExtras,
      services: Services
    ): Plan => {
      const envelope = Modern.readEnvelope(request.params)
      if (Either.isLeft(envelope)) return failing(request, "2026-07-28", envelope.left)
      const { protocolVersion } = envelope.right
      const serverInfo = dispatcher.serverInfoFor(protocolVersion)
      const meta = metaOf(request, envelope.right, extras, undefined)
      const method = request.method
      let prepared: Dispatcher.Prepared
      if (removedInModern.has(method) || !dispatcher.knows(method) && method !== "server/discover" && method !== "subscriptions/listen" && !Tasks.methods.has(method)) {
        prepared = Dispatcher.unprepared(Effect.fail(new McpError.MethodNotFound({ method })))
      } else if (method === "server/discover") prepared = Dispatcher.unprepared(Effect.succeed(discover(protocolVersion)))
      else if (method === "subscriptions/listen") prepared = Dispatcher.unprepared(listen(request, meta, outbound))
      else if (Tasks.methods.has(method)) prepared = Dispatcher.unprepared(tasks.handle(method, request.params, meta))
      else if (mayRequireInput.has(method)) {
        prepared = withInputs(request, meta, outbound, tasks.dispatchFor(request, meta), services)
      } else prepared = dispatcher.prepare(request, { meta, outbound, session: undefined }, services)
      return { request, version: protocolVersion, prepared, shape: (result) => shapeModern(method, result, serverInfo) }
    }

    const handleModern = (request: JsonRpc.Request, outbound: Outbound, extras?: McpServer.RequestExtras) =>
      Effect.withFiberRuntime<McpServer.Reply>((fiber) =>
        answer(planSafely(request, "2026-07-28", () => planModern(request, outbound, extras ?? {}, fiber.currentDefaultServices)))
      )

    // --- sessions and notifications ---------------------------------------------------------------

    const receive = (session: ClientSession.ClientSession, message: JsonRpc.Notification | JsonRpc.Response) => {
      if (message._tag === "Response") return Effect.asVoid(session.resolve(message))
      switch (message.method) {
        case "notifications/initialized":
          return session.updateState((s) => s.phase === "initializing" ? { ...s, phase: "ready" as const } : s)
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
      start: (runtime, request, env) =>
        begin(runtime, planSafely(request, env.meta.protocolVersion, () => planStateless(request, env, servicesOf(runtime)))),
      startLegacy: (runtime, session, request, outbound, extras) =>
        begin(
          runtime,
          planSafely(
            request,
            session.unsafeState().protocolVersion,
            () => planLegacy(session, request, outbound, extras, servicesOf(runtime))
          )
        ),
      startModern: (runtime, request, outbound, extras) =>
        begin(runtime, planSafely(request, "2026-07-28", () => planModern(request, outbound, extras ?? {}, servicesOf(runtime)))),
      receive,
      openSession,
      closeSession,
      notifyResourceUpdated,
      sessionCount: () => sessions.size,
      listenerCount: () => listeners.size,
      closeListeners: Deferred.succeed(closing, undefined).pipe(Effect.asVoid)
    } satisfies McpServer.McpServer["Type"]
  })
