/** @internal */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as FiberRef from "effect/FiberRef"
import * as HashSet from "effect/HashSet"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as Runtime from "effect/Runtime"
import * as Guard from "./guard.js"
import * as InFlight from "./inFlight.js"
import * as LineReader from "./lineReader.js"
import * as Lifecycle from "../../lifecycle/Lifecycle.js"
import * as JsonRpc from "../../protocol/JsonRpc.js"
import * as Modern from "../../protocol/Modern.js"
import * as Version from "../../protocol/Version.js"
import type { ClientSession } from "../../server/ClientSession.js"
import { McpServer } from "../../server/McpServer.js"
import type { Outbound } from "../../server/Outbound.js"
import type * as Stdio from "../Stdio.js"

// How long a result waits after the messages before it were written (see `held`).
const RESULT_GAP_MS = 10

/** @internal */
export const layer = (options: Stdio.Options = {}): Layer.Layer<never, never, McpServer> =>
  Layer.scopedDiscard(Effect.gen(function*() {
    // stdout belongs to the protocol: route every log line to stderr.
    yield* Effect.locallyScopedWith(FiberRef.currentLoggers, (loggers) =>
      HashSet.add(HashSet.remove(loggers, Logger.defaultLogger), Logger.withConsoleError(Logger.logfmtLogger)))
    const server = yield* McpServer
    const runtime = yield* Effect.runtime<never>()
    const runFork = Runtime.runFork(runtime)
    const shutdown = yield* Lifecycle.Shutdown
    const stdin = options.stdin ?? process.stdin
    const stdout = options.stdout ?? process.stdout
    const inflight = InFlight.make()
    const limits = JsonRpc.limits(options.limits)
    const maxLineLength = options.maxLineLength ?? 4 * 1024 * 1024
    const drainTimeout = options.drainTimeout ?? "30 seconds"
    const onDefect = Guard.reporter(runtime)
    let congested = false
    let draining = false

    // Messages finished in the same turn of the event loop go out in one write: a write to a
    // pipe is a system call, and one per response dominated the profile.
    let pending: Array<string> = []
    let pendingBytes = 0
    // Whether `pending` holds messages the server sent on its own (progress, logs, requests).
    let pendingMessages = false
    // Results held back until the messages queued before them have been written, and a little
    // longer: clients (the official SDK among them) handle a response at once and a
    // notification a microtask later, so a progress notification the client reads in the same
    // chunk as its result is dropped. Only results that follow such messages wait.
    let held: Array<string> = []
    const flush = () => {
      if (pending.length === 0) return
      const chunk = pending.join("")
      pending = []
      pendingBytes = 0
      pendingMessages = false
      const release = held
      held = []
      const written = release.length === 0
        ? stdout.write(chunk)
        : stdout.write(chunk, () => setTimeout(() => release.forEach(writeNow), RESULT_GAP_MS))
      // Backpressure: stop reading requests while stdout cannot take more output.
      if (!written && !congested) {
        congested = true
        lines.pause()
        stdout.once("drain", () => {
          congested = false
          lines.resume()
        })
      }
    }
    const writeNow = (text: string) => {
      if (pending.length === 0) setImmediate(flush)
      pending.push(text + "\n")
      pendingBytes += text.length
      if (pendingBytes > 65_536) flush()
    }
    const writeResult = (text: string) => {
      if (pendingMessages) held.push(text)
      else writeNow(text)
    }
    const write = (text: string) =>
      Effect.sync(() => {
        writeNow(text)
        pendingMessages = true
      })

    const session: ClientSession = yield* server.openSession({ id: "stdio", push: write })
    const outbound: Outbound = {
      notify: (method, params) => write(JsonRpc.notificationText(method, params)),
      request: (method, params) => session.request(write, method, params),
      closeStream: Effect.void
    }

    const serve = (request: JsonRpc.Request, onDone: (text: string | undefined) => void) => {
      // Shutting down: new requests are refused with a JSON-RPC error, as HTTP answers 503.
      if (draining) {
        return onDone(JsonRpc.errorText(request.id, { code: -32000, message: "Server is shutting down" }))
      }
      // Each message picks its era: a modern envelope in `_meta`, or the session's handshake.
      const started = Modern.claimsModern(request.params)
        ? server.startModern(runtime, request, outbound)
        : server.startLegacy(runtime, session, request, outbound)
      const fiber = started.fiber
      inflight.add(fiber)
      session.track(request.id, fiber)
      fiber.addObserver((exit) =>
        Guard.run(onDefect, "a stdio response", () => {
          session.untrack(request.id)
          const reply = started.reply(exit)
          // Interrupted at the end of a drain, the request is still answered, so the client
          // knows to retry; cancelled by its client, it gets no response.
          onDone(reply === undefined && draining ? JsonRpc.errorText(request.id, Guard.shutDownError) : reply?.text)
        }, () => onDone(JsonRpc.errorText(request.id, Guard.internalError)))
      )
    }

    const receive = (message: JsonRpc.Message) => {
      if (message._tag === "Request") serve(message, (text) => text !== undefined && writeResult(text))
      else runFork(server.receive(session, message))
    }

    const receiveBatch = (items: ReadonlyArray<Either.Either<JsonRpc.Message, JsonRpc.Invalid>>) => {
      const version = session.unsafeState().protocolVersion
      if (!Version.featuresOf(version).batches) {
        writeNow(JsonRpc.errorText(null, {
          code: JsonRpc.ErrorCode.InvalidRequest,
          message: `JSON-RPC batches are not supported in protocol version ${version}`
        }))
        return
      }
      const answers: Array<string> = []
      const requests: Array<JsonRpc.Request> = []
      for (const item of items) {
        if (Either.isLeft(item)) answers.push(JsonRpc.errorText(item.left.id, item.left.error))
        else if (item.right._tag === "Request") requests.push(item.right)
        else runFork(server.receive(session, item.right))
      }
      // One answer for the whole batch, written when its last request finishes (a request
      // may finish synchronously inside `serve`, so the count is fixed before any starts).
      let waiting = requests.length
      const finish = () => {
        if (waiting === 0 && answers.length > 0) writeResult(`[${answers.join(",")}]`)
      }
      for (const request of requests) {
        serve(request, (text) => {
          waiting--
          if (text !== undefined) answers.push(text)
          finish()
        })
      }
      if (requests.length === 0) finish()
    }

    const onLine = (line: string) => {
      if (line.trim() === "") return
      const decoded = JsonRpc.decode(line, limits)
      if (Either.isLeft(decoded)) return writeNow(JsonRpc.errorText(decoded.left.id, decoded.left.error))
      if (decoded.right._tag === "Single") receive(decoded.right.message)
      else receiveBatch(decoded.right.items)
    }

    const drain = inflight.awaitEmpty

    const lines = LineReader.make(stdin, {
      maxLineLength,
      onLine: (line) => Guard.run(onDefect, "a stdio message", () => onLine(line), () => writeNow(Guard.internalErrorText)),
      onOverlong: (length) =>
        writeNow(JsonRpc.errorText(null, {
          code: JsonRpc.ErrorCode.InvalidRequest,
          message: `Invalid Request: a line of ${length} characters exceeds the limit of ${maxLineLength}`
        })),
      // End of input: finish what is in flight, then end the run. Listen streams end first:
      // their client is gone, and they would hold the drain.
      onClose: () => runFork(server.closeListeners.pipe(Effect.zipRight(drain), Effect.zipRight(shutdown.request)))
    })

    yield* Effect.addFinalizer(() =>
      Effect.gen(function*() {
        draining = true
        yield* server.closeListeners
        // Interruptible again inside the finalizer, so that the timeout can cut the wait short.
        yield* drain.pipe(Effect.interruptible, Effect.timeout(drainTimeout), Effect.ignore)
        if (inflight.size() > 0) {
          yield* Effect.logWarning(`Drain timed out: interrupting ${inflight.size()} request(s) still in flight`)
          yield* inflight.interruptAll
        }
        lines.close()
        yield* server.closeSession(session)
        // Whatever the last turns produced goes out before the process may exit, held results
        // after the messages before them.
        const last = held
        held = []
        flush()
        last.forEach(writeNow)
        flush()
      })
    )
  }))
