/** @internal */
import * as Sse from "@effect/experimental/Sse"
import type * as Authenticator from "../../auth/internal/authenticator.js"
import * as AuthGate from "../../auth/internal/httpGate.js"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as Runtime from "effect/Runtime"
import * as crypto from "node:crypto"
import * as JsonRpc from "../../protocol/JsonRpc.js"
import * as McpError from "../../protocol/McpError.js"
import * as Version from "../../protocol/Version.js"
import type { ClientSession } from "../../server/ClientSession.js"
import type * as McpServer from "../../server/McpServer.js"
import type { Outbound } from "../../server/Outbound.js"
import * as RequestMeta from "../../server/RequestMeta.js"
import type { EventStore } from "../EventStore.js"
import type { Exchange, SseSink } from "./exchange.js"
import * as Guard from "./guard.js"
import * as InFlight from "./inFlight.js"
import * as ModernHttp from "./modernHttp.js"
import * as Security from "./security.js"

/** @internal */
export interface Config {
  readonly path: string
  readonly maxBodyBytes: number
  readonly sessions: boolean
  readonly responseMode: "auto" | "sse" | "json"
  readonly retryMs: number
  readonly standaloneStream: boolean
  readonly legacySse: boolean
  readonly sessionIdleTimeoutMs: number
  readonly maxSessions: number
  readonly keepAliveMs: number
  readonly security: Security.Config
  readonly limits: JsonRpc.Limits
}

interface Stream {
  readonly id: string
  /** Resumable streams (legacy sessions) number and store their events; modern ones do not. */
  readonly resumable: boolean
  seq: number
  sink: SseSink | undefined
  done: boolean
}

interface HttpSession {
  readonly client: ClientSession
  readonly streams: Map<string, Stream>
  standalone: Stream | undefined
  lastSeen: number
  nextStream: number
  /** 2024-11-05 HTTP+SSE: every response travels on the standalone stream. */
  readonly legacySse: boolean
  /** With an authenticator: the subject that opened the session, the only one it serves. */
  subject?: string | undefined
}

const JSON_HEADERS = { "content-type": "application/json" }
const NO_HEADERS: Record<string, string> = {}
const NO_EXTRAS: McpServer.RequestExtras = {}
const SSE_HEADERS = {
  "content-type": "text/event-stream",
  "cache-control": "no-cache, no-transform",
  connection: "keep-alive",
  "x-accel-buffering": "no"
}

const encodeEvent = (id: string | undefined, data: string) => Sse.encoder.write({ _tag: "Event", event: "message", id, data })
// The priming event carries an id and an empty data line. Sse.encoder omits empty data lines,
// and an SSE event without a data line is never dispatched, so this one is written out.
const primingEvent = (id: string, retryMs: number) => `id: ${id}\nretry: ${retryMs}\ndata: \n\n`

const legacyStatus = () => 200
const asReply = (text: string): McpServer.Reply => ({ text, errorCode: undefined })

// The W3C trace context of the HTTP request, for the request span's parent.
const traceExtras = (ex: Exchange): McpServer.RequestExtras => {
  const traceparent = ex.header("traceparent")
  const tracestate = ex.header("tracestate")
  if (traceparent === undefined && tracestate === undefined) return NO_EXTRAS
  return {
    ...(traceparent === undefined ? {} : { traceparent }),
    ...(tracestate === undefined ? {} : { tracestate })
  }
}

const accepts = (header: string | undefined, type: string) =>
  header !== undefined && (header.includes(type) || header.includes("*/*"))

/** @internal */
export const make = (options: {
  readonly server: McpServer.McpServer["Type"]
  readonly runtime: Runtime.Runtime<never>
  readonly eventStore: EventStore["Type"]
  readonly config: Config
  readonly auth?: Authenticator.Service | undefined
}) => {
  const { config, eventStore, server } = options
  const { runtime } = options
  const runFork = Runtime.runFork(runtime)
  // A request run as an Effect of its answer, for `serveRequest`.
  const startEffect = (effect: Effect.Effect<McpServer.Reply>): McpServer.Started => {
    const fiber = runFork(effect)
    return { fiber, reply: (exit) => Exit.isSuccess(exit) ? exit.value as McpServer.Reply : undefined }
  }
  const runSync = Runtime.runSync(options.runtime)
  const onDefect = Guard.reporter(runtime)
  // A callback of this endpoint that throws answers its request with a 500, never the process.
  const guarded = (ex: Exchange, where: string, f: () => void) =>
    Guard.run(onDefect, where, f, () => ex.respond(500, JSON_HEADERS, Guard.internalErrorText))
  // Private to this closure and touched only synchronously.
  const sessions = new Map<string, HttpSession>()
  const inflight = InFlight.make()
  let draining = false
  // Authentication (Auth.Authenticator in context): each request's principal, by exchange.
  const gate = options.auth === undefined ? undefined : AuthGate.make(options.auth, runFork, inflight.add)
  const principals = new WeakMap<Exchange, RequestMeta.Principal>()
  const extrasOf = (ex: Exchange): McpServer.RequestExtras => {
    const extras = traceExtras(ex)
    const principal = gate === undefined ? undefined : principals.get(ex)
    return principal === undefined ? extras : { ...extras, principal }
  }

  const fail = (ex: Exchange, status: number, code: number, message: string, headers: Record<string, string> = {}) =>
    ex.respond(status, { ...JSON_HEADERS, ...headers }, JsonRpc.errorText(null, { code, message }))

  // --- streams -----------------------------------------------------------------------------

  const newStream = (session: HttpSession): Stream => {
    const stream: Stream = {
      id: `${session.client.id}-${session.nextStream++}`,
      resumable: true,
      seq: 0,
      sink: undefined,
      done: false
    }
    session.streams.set(stream.id, stream)
    return stream
  }

  const emit = (stream: Stream, data: string) => {
    if (!stream.resumable) return stream.sink?.write(encodeEvent(undefined, data))
    const id = `${stream.id}.${stream.seq++}`
    runSync(eventStore.append(stream.id, { id, data }))
    stream.sink?.write(encodeEvent(id, data))
  }

  const primes = (session: HttpSession) =>
    Version.featuresOf(session.client.unsafeState().protocolVersion).ssePolling

  const attach = (stream: Stream, sink: SseSink, priming: boolean) => {
    stream.sink = sink
    if (priming) {
      const id = `${stream.id}.${stream.seq++}`
      runSync(eventStore.append(stream.id, { id, data: "" }))
      sink.write(primingEvent(id, config.retryMs))
    }
  }

  const finishStream = (session: HttpSession, stream: Stream) => {
    stream.done = true
    stream.sink?.end()
    stream.sink = undefined
    session.streams.delete(stream.id)
  }

  const keepAlive = (sink: SseSink) => {
    const timer = setInterval(() => sink.write(": keep-alive\n\n"), config.keepAliveMs)
    timer.unref()
    return () => clearInterval(timer)
  }

  // --- sessions ----------------------------------------------------------------------------

  const openSession = (legacySse: boolean): HttpSession => {
    const id = crypto.randomBytes(18).toString("base64url")
    let entry: HttpSession | undefined
    const push = (text: string) =>
      Effect.sync(() => {
        if (entry?.standalone !== undefined) emit(entry.standalone, text)
      })
    const client = runSync(server.openSession({ id, push }))
    entry = { client, streams: new Map(), standalone: undefined, lastSeen: Date.now(), nextStream: 0, legacySse }
    sessions.set(id, entry)
    return entry
  }

  const closeSession = (id: string, session: HttpSession) => {
    sessions.delete(id)
    for (const stream of session.streams.values()) {
      stream.sink?.end()
      runFork(eventStore.deleteStream(stream.id))
    }
    if (session.standalone !== undefined) {
      session.standalone.sink?.end()
      runFork(eventStore.deleteStream(session.standalone.id))
    }
    runFork(server.closeSession(session.client))
  }

  const sweep = () => {
    const now = Date.now()
    for (const [id, session] of sessions) {
      if (now - session.lastSeen > config.sessionIdleTimeoutMs) closeSession(id, session)
    }
  }

  // --- requests ----------------------------------------------------------------------------

  /** Serves one request; its response goes out as JSON or on an SSE stream it opens. */
  const serveRequest = (
    ex: Exchange,
    request: JsonRpc.Request,
    start: (outbound: Outbound) => McpServer.Started,
    session: HttpSession | undefined,
    headers: Record<string, string>,
    statusOf: (errorCode: number | undefined) => number = legacyStatus
  ) => {
    let stream: Stream | undefined
    let stopKeepAlive: (() => void) | undefined
    let finished = false
    const resumable = session !== undefined

    const ensureStream = (): Stream => {
      if (stream !== undefined) return stream
      stream = session !== undefined
        ? newStream(session)
        : { id: "", resumable: false, seq: 0, sink: undefined, done: false }
      const sink = ex.openStream({ ...SSE_HEADERS, ...headers })
      attach(stream, sink, session !== undefined && primes(session))
      stopKeepAlive = keepAlive(sink)
      return stream
    }
    const send = (text: string) =>
      Effect.sync(() => {
        if (!finished) emit(ensureStream(), text)
      })
    const outbound: Outbound = {
      notify: (method, params) => send(JsonRpc.notificationText(method, params)),
      request: (method, params) =>
        session === undefined
          ? Effect.fail(new McpError.InvalidRequest({ message: "Server-to-client requests need a session" }))
          : session.client.request(send, method, params),
      closeStream: Effect.sync(() => {
        const s = ensureStream()
        s.sink?.end()
        s.sink = undefined
      })
    }

    if (config.responseMode === "sse") ensureStream()
    const started = start(outbound)
    const fiber = started.fiber
    inflight.add(fiber)
    session?.client.track(request.id, fiber)
    ex.onAbort(() => {
      // A dropped JSON response, or an SSE stream nobody can resume, cancels the request.
      if (stream === undefined || !resumable) fiber.unsafeInterruptAsFork(fiber.id())
      else if (stream.sink !== undefined) stream.sink = undefined
    })
    fiber.addObserver((exit) => guarded(ex, "an HTTP response", () => {
      const reply = started.reply(exit)
      session?.client.untrack(request.id)
      stopKeepAlive?.()
      finished = true
      if (reply === undefined) {
        // Interrupted by the end of a drain, the request is still answered: with a JSON-RPC
        // error the client can retry elsewhere. Cancelled by its client, it gets no answer.
        const shutdownError = draining ? JsonRpc.errorText(request.id, Guard.shutDownError) : undefined
        if (stream !== undefined) {
          if (shutdownError !== undefined) emit(stream, shutdownError)
          if (session !== undefined) finishStream(session, stream)
          else stream.sink?.end()
        } else if (shutdownError !== undefined) {
          ex.respond(503, { ...JSON_HEADERS, ...headers, "retry-after": "1" }, shutdownError)
        } else ex.respond(499, {})
        return
      }
      if (stream === undefined) {
        // A rate-limited 2026-07-28 request answers 429 with Retry-After (legacy ones stay 200).
        const retryAfter = reply.errorCode === -32000 && statusOf === ModernHttp.statusOf
          ? ModernHttp.retryAfter(reply.text)
          : undefined
        if (retryAfter !== undefined) {
          return ex.respond(429, { ...JSON_HEADERS, ...headers, "retry-after": retryAfter }, reply.text)
        }
        return ex.respond(
          statusOf(reply.errorCode),
          headers === NO_HEADERS ? JSON_HEADERS : { ...JSON_HEADERS, ...headers },
          reply.text
        )
      }
      emit(stream, reply.text)
      if (session !== undefined) finishStream(session, stream)
      else stream.sink?.end()
    }))
  }

  const protocolHeader = (ex: Exchange): Version.ProtocolVersion | undefined | false => {
    const value = ex.header("mcp-protocol-version")
    if (value === undefined) return undefined
    return Version.isSupported(value) ? value : false
  }

  const handlePost = (ex: Exchange) => {
    if (!(ex.header("content-type") ?? "").toLowerCase().includes("application/json")) {
      return fail(ex, 415, -32600, "Unsupported Media Type: Content-Type must be application/json")
    }
    const accept = ex.header("accept")
    if (!accepts(accept, "application/json") || !accepts(accept, "text/event-stream")) {
      return fail(ex, 406, -32600, "Not Acceptable: Accept must list application/json and text/event-stream")
    }
    ex.readBody(config.maxBodyBytes, (body) => guarded(ex, "an HTTP request", () => {
      if (body === "aborted") return
      if (body === "too-large") {
        return fail(ex, 413, -32600, `Payload Too Large: the body exceeds ${config.maxBodyBytes} bytes`)
      }
      const decoded = JsonRpc.decode(body, config.limits)
      if (Either.isLeft(decoded)) {
        return ex.respond(400, JSON_HEADERS, JsonRpc.errorText(decoded.left.id, decoded.left.error))
      }
      const message = decoded.right
      if (message._tag === "Single" && ModernHttp.isModern(ex, message.message._tag === "Request" ? message.message.params : undefined)) {
        return serveModern(ex, message.message)
      }
      // Legacy traffic: the header, when present, must name a revision we speak.
      const version = protocolHeader(ex)
      if (version === false) {
        const id = message._tag === "Single" && message.message._tag !== "Notification" ? message.message.id : null
        return ex.respond(
          400,
          JSON_HEADERS,
          JsonRpc.errorText(id, {
            code: -32600,
            message: Version.unsupportedMessage(ex.header("mcp-protocol-version"))
          })
        )
      }
      if (message._tag === "Single" && message.message._tag === "Request" && message.message.method === "initialize") {
        return initialize(ex, message.message)
      }
      if (!config.sessions) return serveStateless(ex, message, version ?? "2025-03-26")
      const session = sessionOf(ex)
      if (session === undefined) return
      if (message._tag === "Batch") return serveBatch(ex, session, message.items)
      const single = message.message
      if (single._tag !== "Request") {
        runFork(server.receive(session.client, single))
        return ex.respond(202, {})
      }
      serveRequest(
        ex,
        single,
        (outbound) => server.startLegacy(runtime, session.client, single, outbound, extrasOf(ex)),
        session,
        NO_HEADERS
      )
    }))
  }

  const serveModern = (ex: Exchange, message: JsonRpc.Message) => {
    // Modern clients send no responses and no notifications over HTTP; accept and ignore them.
    if (message._tag !== "Request") return ex.respond(202, {})
    const rejection = ModernHttp.check(ex, message, server.registry)
    if (rejection !== undefined) {
      return ex.respond(rejection.status, JSON_HEADERS, JsonRpc.errorText(message.id, rejection.error))
    }
    serveRequest(
      ex,
      message,
      (outbound) => server.startModern(runtime, message, outbound, extrasOf(ex)),
      undefined,
      NO_HEADERS,
      ModernHttp.statusOf
    )
  }

  const sessionOf = (ex: Exchange): HttpSession | undefined => {
    const id = ex.header("mcp-session-id")
    if (id === undefined) {
      fail(ex, 400, -32600, "Bad Request: Mcp-Session-Id header is required")
      return undefined
    }
    const session = sessions.get(id)
    if (session === undefined) {
      fail(ex, 404, -32001, "Session not found: initialize a new session")
      return undefined
    }
    if (gate !== undefined && !ownedBy(session, ex)) return undefined
    session.lastSeen = Date.now()
    return session
  }

  // A session serves only the subject that opened it (MCP security best practices, "Session
  // Hijacking"): another subject's token, even a valid one, is refused.
  const ownedBy = (session: HttpSession, ex: Exchange): boolean => {
    if (session.subject === principals.get(ex)?.subject) return true
    fail(ex, 403, -32600, "Forbidden: this session belongs to another principal")
    return false
  }

  const initialize = (ex: Exchange, request: JsonRpc.Request) => {
    if (!config.sessions) {
      const client = runSync(server.openSession({ id: crypto.randomUUID(), push: () => Effect.void }))
      return serveRequest(ex, request, (outbound) =>
        startEffect(Effect.map(
          Effect.ensuring(server.handleLegacy(client, request, outbound, extrasOf(ex)), server.closeSession(client)),
          asReply
        )), undefined, {})
    }
    if (sessions.size >= config.maxSessions) sweep()
    if (sessions.size >= config.maxSessions) {
      return fail(ex, 503, -32000, "Service Unavailable: too many sessions", { "retry-after": "5" })
    }
    const session = openSession(false)
    if (gate !== undefined) session.subject = principals.get(ex)?.subject
    serveRequest(
      ex,
      request,
      (outbound) => server.startLegacy(runtime, session.client, request, outbound, extrasOf(ex)),
      session,
      { "mcp-session-id": session.client.id }
    )
  }

  const serveStateless = (ex: Exchange, decoded: JsonRpc.Decoded, version: Version.ProtocolVersion) => {
    if (decoded._tag === "Batch") {
      return fail(ex, 400, -32600, "JSON-RPC batches need a session in this server's stateless mode")
    }
    const message = decoded.message
    if (message._tag !== "Request") return ex.respond(202, {})
    const traceparent = ex.header("traceparent")
    const tracestate = ex.header("tracestate")
    const principal = gate === undefined ? undefined : principals.get(ex)
    // Most stateless requests carry no trace context and no principal: their metadata is one
    // value per revision.
    const meta = traceparent === undefined && tracestate === undefined && principal === undefined
      ? statelessMeta(version)
      : { ...statelessMeta(version), traceparent, tracestate, principal }
    serveRequest(ex, message, (outbound) => server.start(runtime, message, { meta, outbound, session: undefined }), undefined, NO_HEADERS)
  }

  const statelessMetas = new Map<Version.ProtocolVersion, RequestMeta.RequestMeta>()
  const statelessMeta = (version: Version.ProtocolVersion): RequestMeta.RequestMeta => {
    let meta = statelessMetas.get(version)
    if (meta === undefined) {
      meta = RequestMeta.bare(version)
      statelessMetas.set(version, meta)
    }
    return meta
  }

  const serveBatch = (
    ex: Exchange,
    session: HttpSession,
    items: ReadonlyArray<Either.Either<JsonRpc.Message, JsonRpc.Invalid>>
  ) => {
    const version = session.client.unsafeState().protocolVersion
    if (!Version.featuresOf(version).batches) {
      return fail(ex, 400, -32600, `JSON-RPC batches are not supported in protocol version ${version}`)
    }
    // Messages a batch's requests send travel on the standalone stream.
    const outbound: Outbound = {
      notify: (method, params) => session.client.push(JsonRpc.notificationText(method, params)),
      request: (method, params) => session.client.request(session.client.push, method, params),
      closeStream: Effect.void
    }
    const answers: Array<string> = []
    const requests: Array<JsonRpc.Request> = []
    for (const item of items) {
      if (Either.isLeft(item)) answers.push(JsonRpc.errorText(item.left.id, item.left.error))
      else if (item.right._tag === "Request") requests.push(item.right)
      else runFork(server.receive(session.client, item.right))
    }
    if (requests.length === 0 && answers.length === 0) return ex.respond(202, {})
    const extras = extrasOf(ex)
    const fiber = runFork(
      Effect.forEach(requests, (r) => server.handleLegacy(session.client, r, outbound, extras), { concurrency: "unbounded" })
    )
    inflight.add(fiber)
    ex.onAbort(() => fiber.unsafeInterruptAsFork(fiber.id()))
    fiber.addObserver((exit) => guarded(ex, "an HTTP batch", () => {
      if (Exit.isSuccess(exit)) answers.push(...exit.value)
      ex.respond(200, JSON_HEADERS, `[${answers.join(",")}]`)
    }))
  }

  const handleGet = (ex: Exchange) => {
    if (!accepts(ex.header("accept"), "text/event-stream")) {
      return fail(ex, 406, -32600, "Not Acceptable: Accept must list text/event-stream")
    }
    if (!config.sessions || !config.standaloneStream) {
      return fail(ex, 405, -32600, "Method Not Allowed: this server has no standalone SSE stream", { allow: "POST" })
    }
    const session = sessionOf(ex)
    if (session === undefined) return
    const lastEventId = ex.header("last-event-id")
    if (lastEventId !== undefined) {
      const replay = runSync(eventStore.replayAfter(lastEventId))
      const stream = replay === undefined
        ? undefined
        : replay.streamId === session.standalone?.id
        ? session.standalone
        : session.streams.get(replay.streamId)
      if (replay !== undefined && replay.streamId.startsWith(session.client.id)) {
        const sink = ex.openStream(SSE_HEADERS)
        for (const event of replay.events) {
          if (event.data !== "") sink.write(encodeEvent(event.id, event.data))
        }
        if (stream === undefined || stream.done) return sink.end()
        stream.sink?.end()
        stream.sink = sink
        const stop = keepAlive(sink)
        ex.onAbort(() => {
          stop()
          if (stream.sink === sink) stream.sink = undefined
        })
        return
      }
    }
    if (session.standalone?.sink !== undefined) {
      return fail(ex, 409, -32600, "Conflict: this session already has an open SSE stream")
    }
    const stream = session.standalone ?? newStream(session)
    session.standalone = stream
    const sink = ex.openStream(SSE_HEADERS)
    attach(stream, sink, primes(session))
    const stop = keepAlive(sink)
    ex.onAbort(() => {
      stop()
      if (stream.sink === sink) stream.sink = undefined
    })
  }

  const handleDelete = (ex: Exchange) => {
    if (!config.sessions) return fail(ex, 405, -32600, "Method Not Allowed: no sessions", { allow: "POST" })
    const session = sessionOf(ex)
    if (session === undefined) return
    closeSession(session.client.id, session)
    ex.respond(200, {})
  }

  // --- 2024-11-05 HTTP+SSE ---------------------------------------------------------------------

  const handleLegacySseOpen = (ex: Exchange, messagesPath: string) => {
    const session = openSession(true)
    if (gate !== undefined) session.subject = principals.get(ex)?.subject
    const stream = newStream(session)
    session.standalone = stream
    const sink = ex.openStream(SSE_HEADERS)
    stream.sink = sink
    sink.write(Sse.encoder.write({
      _tag: "Event",
      event: "endpoint",
      id: undefined,
      data: `${messagesPath}?sessionId=${session.client.id}`
    }))
    const stop = keepAlive(sink)
    ex.onAbort(() => {
      stop()
      closeSession(session.client.id, session)
    })
  }

  const handleLegacySseMessage = (ex: Exchange) => {
    const id = ex.query.get("sessionId")
    const session = id === null ? undefined : sessions.get(id)
    if (session === undefined || !session.legacySse) return fail(ex, 404, -32001, "Session not found")
    if (gate !== undefined && !ownedBy(session, ex)) return
    const extras = extrasOf(ex)
    ex.readBody(config.maxBodyBytes, (body) => guarded(ex, "an HTTP+SSE message", () => {
      if (body === "aborted") return
      if (body === "too-large") return fail(ex, 413, -32600, "Payload Too Large")
      const decoded = JsonRpc.decode(body, config.limits)
      if (Either.isLeft(decoded)) return fail(ex, 400, decoded.left.error.code, decoded.left.error.message)
      ex.respond(202, {})
      const push = session.client.push
      const messages = decoded.right._tag === "Single"
        ? [Either.right(decoded.right.message)]
        : decoded.right.items
      for (const item of messages) {
        if (Either.isLeft(item)) {
          runFork(push(JsonRpc.errorText(item.left.id, item.left.error)))
          continue
        }
        const message = item.right
        if (message._tag !== "Request") {
          runFork(server.receive(session.client, message))
          continue
        }
        const outbound: Outbound = {
          notify: (method, params) => push(JsonRpc.notificationText(method, params)),
          request: (method, params) => session.client.request(push, method, params),
          closeStream: Effect.void
        }
        const fiber = runFork(Effect.flatMap(server.handleLegacy(session.client, message, outbound, extras), push))
        inflight.add(fiber)
        session.client.track(message.id, fiber)
        fiber.addObserver(() => session.client.untrack(message.id))
      }
    }))
  }

  // --- entry -----------------------------------------------------------------------------------

  const handle = (ex: Exchange): boolean => {
    const isMcp = ex.path === config.path
    const isLegacySse = config.legacySse && (ex.path === "/sse" || ex.path === "/messages")
    if (!isMcp && !isLegacySse) return gate !== undefined && gate.metadata(ex)
    const rejection = Security.check(config.security, ex.header("host"), ex.header("origin"))
    if (rejection !== undefined) return (fail(ex, 403, -32600, `Forbidden: ${rejection}`), true)
    if (draining) {
      return (fail(ex, 503, -32000, "Service Unavailable: the server is shutting down", { "retry-after": "1" }), true)
    }
    // Authentication, when an authenticator is in context: a cached token passes synchronously.
    if (gate !== undefined) {
      gate.check(ex, (principal) =>
        guarded(ex, "an HTTP request", () => {
          principals.set(ex, principal)
          route(ex, isLegacySse)
        }))
      return true
    }
    guarded(ex, "an HTTP request", () => route(ex, isLegacySse))
    return true
  }

  const route = (ex: Exchange, isLegacySse: boolean) => {
    if (isLegacySse) {
      if (ex.path === "/sse" && ex.method === "GET") handleLegacySseOpen(ex, "/messages")
      else if (ex.path === "/messages" && ex.method === "POST") handleLegacySseMessage(ex)
      else fail(ex, 405, -32600, "Method Not Allowed")
      return
    }
    switch (ex.method) {
      case "POST":
        handlePost(ex)
        break
      case "GET":
        handleGet(ex)
        break
      case "DELETE":
        handleDelete(ex)
        break
      default:
        fail(ex, 405, -32600, "Method Not Allowed", { allow: "GET, POST, DELETE" })
    }
  }

  /** Stop accepting, wait for requests in flight (up to `timeout`), then end every session. */
  const drain = (timeout: import("effect/Duration").DurationInput) =>
    Effect.gen(function*() {
      draining = true
      // Listen streams would otherwise hold the drain until its timeout: end them with their result.
      yield* server.closeListeners
      // The drain runs in a finalizer, which is uninterruptible: the wait is made interruptible
      // again, or the timeout could not cut it short.
      yield* inflight.awaitEmpty.pipe(Effect.interruptible, Effect.timeout(timeout), Effect.ignore)
      if (inflight.size() > 0) {
        yield* Effect.logWarning(`Drain timed out: interrupting ${inflight.size()} request(s) still in flight`)
        yield* inflight.interruptAll
      }
      for (const [id, session] of sessions) closeSession(id, session)
    })

  return {
    handle,
    drain,
    sweep,
    sessionCount: () => sessions.size,
    isDraining: () => draining
  }
}
