/** @internal */
// The tasks extension (`io.modelcontextprotocol/tasks`, 2026-07-28): a task tool called by a
// declaring request runs in a fiber owned by this runner; its state lives in the TaskStore.
// Before `ctx.detach` the handler serves the request as usual (MRTR rounds included); at
// `ctx.detach` the task is created and the request answers with a CreateTaskResult; after it,
// server-to-client requests become the task's `inputRequests`, answered with `tasks/update`.
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as FiberSet from "effect/FiberSet"
import * as Option from "effect/Option"
import * as crypto from "node:crypto"
import type * as JsonRpc from "../../protocol/JsonRpc.js"
import * as McpError from "../../protocol/McpError.js"
import * as Version from "../../protocol/Version.js"
import type { Outbound } from "../Outbound.js"
import type { Registry } from "../Registry.js"
import type { RequestMeta } from "../RequestMeta.js"
import * as TaskStore from "../TaskStore.js"
import type * as Dispatcher from "./dispatcher.js"

/** @internal */
export const extensionId = "io.modelcontextprotocol/tasks"

/** @internal */
export const methods: ReadonlySet<string> = new Set(["tasks/get", "tasks/update", "tasks/cancel"])

const isObject = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)

/** Whether this request declares the extension; it exists only in the modern revision. */
export const declares = (meta: RequestMeta): boolean => {
  if (!Version.featuresOf(meta.protocolVersion).tasks) return false
  const extensions = meta.clientCapabilities.extensions
  return isObject(extensions) && extensions[extensionId] !== undefined && extensions[extensionId] !== null
}

/** @internal */
export const missingCapability = () =>
  new McpError.MissingClientCapability({
    capability: `the ${extensionId} extension`,
    requiredCapabilities: { extensions: { [extensionId]: {} } }
  })

/** The wire `Task` fields (no owner, no status payload). */
const taskFields = (t: TaskStore.Task): Record<string, unknown> => ({
  taskId: t.taskId,
  status: t.status,
  ...(t.statusMessage === undefined ? {} : { statusMessage: t.statusMessage }),
  createdAt: t.createdAt,
  lastUpdatedAt: t.lastUpdatedAt,
  ttlMs: t.ttlMs,
  ...(t.pollIntervalMs === undefined ? {} : { pollIntervalMs: t.pollIntervalMs })
})

/** The `DetailedTask` of `tasks/get` and `notifications/tasks`. */
export const detailed = (t: TaskStore.Task): Record<string, unknown> => ({
  ...taskFields(t),
  ...(t.status === "input_required" ? { inputRequests: t.inputRequests ?? {} } : {}),
  ...(t.status === "completed" ? { result: t.result } : {}),
  ...(t.status === "failed" ? { error: t.error } : {})
})

// Outstanding requests, status message and payloads go when a task settles.
const settled = (
  t: TaskStore.Task,
  at: string,
  fields: {
    readonly status: TaskStore.TaskStatus
    readonly statusMessage?: string
    readonly result?: unknown
    readonly error?: JsonRpc.ErrorObject
  }
): TaskStore.Task => {
  const { inputRequests: _, result: __, error: ___, statusMessage: ____, ...rest } = t
  return { ...rest, ...fields, lastUpdatedAt: at }
}

/** One run of a task tool's handler: before `detach` it serves the request, after it the task. */
interface Run {
  fiber: Fiber.RuntimeFiber<unknown, unknown> | undefined
  taskId: string | undefined
  watchdog: Fiber.RuntimeFiber<unknown, unknown> | undefined
  /** Answers awaited by the handler, by `inputRequests` key. */
  readonly waiters: Map<string, Deferred.Deferred<unknown>>
  /** Every key the task has used: keys are never reused within a task. */
  readonly used: Set<string>
}

/** @internal */
export interface Options {
  readonly store: TaskStore.TaskStore["Type"]
  readonly registry: Registry["Type"]
  readonly dispatch: (request: JsonRpc.Request, env: Dispatcher.Env) => Effect.Effect<unknown, McpError.McpError>
  readonly ttlMs: number | null
  readonly pollIntervalMs: number | undefined
  /** Called after every change of a task (for `notifications/tasks`). */
  readonly onChange: (task: TaskStore.Task) => Effect.Effect<void>
}

/** @internal */
export const make = (options: Options) =>
  Effect.gen(function*() {
    const { store } = options
    // Interrupts the task fibers when the server's scope closes; registered before the
    // finalizer below, so it runs after it.
    const fibers = yield* FiberSet.make<unknown, unknown>()
    // Tasks whose fiber runs in this process; private to this closure, touched synchronously.
    const live = new Map<string, Run>()
    let closed = false
    yield* Effect.addFinalizer(() => Effect.sync(() => void (closed = true)))

    const now = Effect.map(Clock.currentTimeMillis, (ms) => new Date(ms).toISOString())

    /** Applies `f` unless the task is final (terminal states are final); reports changes. */
    const update = (taskId: string, f: (t: TaskStore.Task, at: string) => TaskStore.Task) =>
      Effect.flatMap(now, (at) => {
        let changed = false
        return store.modify(taskId, (t) => {
          if (TaskStore.isTerminal(t.status)) return t
          const next = f(t, at)
          changed = next !== t
          return next
        }).pipe(
          Effect.tap((task) => changed && Option.isSome(task) ? options.onChange(task.value) : Effect.void)
        )
      })

    const lookup = (taskId: string, meta: RequestMeta) =>
      Effect.flatMap(Effect.orDie(store.get(taskId)), (task) =>
        Option.isSome(task) && (task.value.owner === undefined || task.value.owner === meta.principal?.subject)
          ? Effect.succeed(task.value)
          : Effect.fail(new McpError.InvalidParams({ message: `Failed to retrieve task: Task not found: ${taskId}` })))

    // Removes a request the handler stopped waiting for without an answer (e.g. interrupted).
    const withdraw = (taskId: string, key: string) =>
      update(taskId, (t, at) => {
        if (t.inputRequests === undefined || !Object.hasOwn(t.inputRequests, key)) return t
        const { [key]: _, ...remaining } = t.inputRequests
        const { inputRequests: __, ...rest } = t
        return Object.keys(remaining).length === 0
          ? { ...rest, status: "working", lastUpdatedAt: at }
          : { ...rest, inputRequests: remaining, lastUpdatedAt: at }
      })

    // A server-to-client request inside a task: the task shows it in `inputRequests` and the
    // handler waits until `tasks/update` answers it.
    const ask = (run: Run, taskId: string, method: string, params: unknown, key: string | undefined) =>
      Effect.suspend(() => {
        let k = key ?? method
        if (run.used.has(k)) {
          let n = 2
          while (run.used.has(`${k}-${n}`)) n++
          k = `${k}-${n}`
        }
        run.used.add(k)
        return Effect.acquireUseRelease(
          Effect.flatMap(Deferred.make<unknown>(), (answer) => {
            run.waiters.set(k, answer)
            return Effect.as(
              Effect.orDie(update(taskId, (t, at) => ({
                ...t,
                status: "input_required",
                inputRequests: { ...t.inputRequests, [k]: { method, params } },
                lastUpdatedAt: at
              }))),
              answer
            )
          }),
          Deferred.await,
          () => {
            run.waiters.delete(k)
            return Effect.ignoreLogged(withdraw(taskId, k))
          }
        )
      })

    const create = (run: Run, meta: RequestMeta) =>
      Effect.gen(function*() {
        const at = yield* now
        const task: TaskStore.Task = {
          taskId: crypto.randomUUID(),
          status: "working",
          createdAt: at,
          lastUpdatedAt: at,
          ttlMs: options.ttlMs,
          ...(options.pollIntervalMs === undefined ? {} : { pollIntervalMs: options.pollIntervalMs }),
          ...(meta.principal === undefined ? {} : { owner: meta.principal.subject })
        }
        yield* Effect.orDie(store.create(task))
        run.taskId = task.taskId
        live.set(task.taskId, run)
        if (options.ttlMs !== null) {
          // The store forgets the task at its TTL; stop its work then too. (Forked from the
          // uninterruptible `detach`, so made interruptible again.)
          run.watchdog = yield* FiberSet.run(
            fibers,
            Effect.interruptible(Effect.zipRight(
              Effect.sleep(options.ttlMs),
              Effect.suspend(() => run.fiber === undefined ? Effect.void : Fiber.interruptFork(run.fiber))
            ))
          )
        }
        return { resultType: "task", ...taskFields(task) }
      })

    // The handler ended after detaching: record its outcome as the task's final state.
    const settle = (run: Run, taskId: string, exit: Exit.Exit<unknown, McpError.McpError>) =>
      Effect.gen(function*() {
        live.delete(taskId)
        if (run.watchdog !== undefined) yield* Fiber.interruptFork(run.watchdog)
        let fields: Parameters<typeof settled>[2]
        if (Exit.isSuccess(exit)) {
          fields = { status: "completed", result: exit.value }
        } else {
          const failure = Cause.failureOption(exit.cause)
          let error: JsonRpc.ErrorObject
          if (Option.isSome(failure)) {
            error = McpError.toErrorObject(failure.value, Version.modern)
          } else if (Cause.isInterruptedOnly(exit.cause)) {
            error = { code: -32603, message: "The task was interrupted before it finished" }
          } else {
            yield* Effect.logError(`Task ${taskId} failed`, exit.cause)
            error = { code: -32603, message: "Internal error" }
          }
          fields = { status: "failed", statusMessage: error.message, error }
        }
        yield* update(taskId, (t, at) => settled(t, at, fields))
      }).pipe(Effect.catchAllCause((cause) => Effect.logError(`Could not record the end of task ${taskId}`, cause)))

    // Serves a task tool's request: the handler runs in a fiber of this runner, and the request
    // answers with its result, or with a CreateTaskResult once the handler detaches.
    const serve = (request: JsonRpc.Request, meta: RequestMeta, outbound: Outbound) =>
      Effect.gen(function*() {
        if (closed) return yield* new McpError.ServerDraining()
        const answer = yield* Deferred.make<unknown, McpError.McpError>()
        const run: Run = { fiber: undefined, taskId: undefined, watchdog: undefined, waiters: new Map(), used: new Set() }
        const routed: Outbound = {
          // Progress and logs belong to the request's stream, which ends at detach.
          notify: (method, params) => Effect.suspend(() => run.taskId === undefined ? outbound.notify(method, params) : Effect.void),
          request: (method, params, key) =>
            Effect.suspend(() =>
              run.taskId === undefined ? outbound.request(method, params, key) : ask(run, run.taskId, method, params, key)
            ),
          closeStream: Effect.suspend(() => run.taskId === undefined ? outbound.closeStream : Effect.void)
        }
        const detach = Effect.uninterruptible(Effect.suspend(() =>
          run.taskId !== undefined ? Effect.void : Effect.flatMap(create(run, meta), (created) => Deferred.succeed(answer, created))
        ))
        const handler = options.dispatch(request, { meta, outbound: routed, session: undefined, detach }).pipe(
          Effect.onExit((exit) =>
            run.taskId === undefined ? Deferred.done(answer, exit) : settle(run, run.taskId, exit)
          ),
          Effect.exit
        )
        const fiber = yield* FiberSet.run(
          fibers,
          Effect.interruptible(Effect.withFiberRuntime((self) => {
            run.fiber = self
            return handler
          }))
        )
        run.fiber = fiber
        return yield* Deferred.await(answer).pipe(
          // The request ended before the task existed (its client left, or an MRTR round ended):
          // the handler's work ends with it.
          Effect.onInterrupt(() => run.taskId === undefined ? Fiber.interrupt(fiber) : Effect.void)
        )
      })

    /** How a `tools/call` runs when it may become a task; `undefined` when it may not. */
    const dispatchFor = (request: JsonRpc.Request, meta: RequestMeta) => {
      if (request.method !== "tools/call" || !declares(meta)) return undefined
      const name = request.params?.name
      const tool = typeof name === "string" ? options.registry.tool(name) : undefined
      if (tool?.task === undefined) return undefined
      return (outbound: Outbound) => serve(request, meta, outbound)
    }

    const get = (task: TaskStore.Task) => Effect.succeed(detailed(task))

    const updateTask = (task: TaskStore.Task, responses: Record<string, unknown>) =>
      Effect.gen(function*() {
        // Applied before the ack, so the next tasks/get already shows them. Keys that are not
        // outstanding (never issued, answered, withdrawn) are ignored without being read.
        const delivered: Array<readonly [string, unknown]> = []
        yield* Effect.orDie(update(task.taskId, (t, at) => {
          delivered.length = 0
          if (t.status !== "input_required" || t.inputRequests === undefined) return t
          const remaining: Record<string, TaskStore.InputRequest> = { ...t.inputRequests }
          for (const [key, value] of Object.entries(responses)) {
            if (!Object.hasOwn(remaining, key) || value === null || value === undefined) continue
            delete remaining[key]
            delivered.push([key, value])
          }
          if (delivered.length === 0) return t
          const { inputRequests: _, ...rest } = t
          return Object.keys(remaining).length === 0
            ? { ...rest, status: "working", lastUpdatedAt: at }
            : { ...rest, inputRequests: remaining, lastUpdatedAt: at }
        }))
        const run = live.get(task.taskId)
        for (const [key, value] of delivered) {
          const waiter = run?.waiters.get(key)
          if (waiter !== undefined) yield* Deferred.succeed(waiter, value)
        }
        return {}
      })

    const cancel = (task: TaskStore.Task) =>
      Effect.gen(function*() {
        if (TaskStore.isTerminal(task.status)) return {}
        // The status changes first, so the interrupted handler's own ending cannot replace it.
        yield* Effect.orDie(update(task.taskId, (t, at) =>
          settled(t, at, { status: "cancelled", statusMessage: "Cancelled by the client" })))
        const fiber = live.get(task.taskId)?.fiber
        if (fiber !== undefined) yield* Fiber.interruptFork(fiber)
        return {}
      })

    /** `tasks/get`, `tasks/update`, `tasks/cancel`: capability first, then the task. */
    const handle = (method: string, params: Record<string, unknown> | undefined, meta: RequestMeta) =>
      Effect.gen(function*() {
        if (!declares(meta)) return yield* missingCapability()
        const taskId = params?.taskId
        if (typeof taskId !== "string") {
          return yield* new McpError.InvalidParams({ message: "Invalid params: taskId must be a string" })
        }
        const responses = params?.inputResponses
        if (method === "tasks/update" && !isObject(responses)) {
          return yield* new McpError.InvalidParams({ message: "Invalid params: inputResponses must be an object" })
        }
        const task = yield* lookup(taskId, meta)
        switch (method) {
          case "tasks/get":
            return yield* get(task)
          case "tasks/update":
            return yield* updateTask(task, responses as Record<string, unknown>)
          case "tasks/cancel":
            return yield* cancel(task)
          default:
            return yield* new McpError.MethodNotFound({ method })
        }
      })

    /** The tasks a principal may see, for `subscriptions/listen` filters. */
    const visible = (taskId: string, meta: RequestMeta) =>
      Effect.map(Effect.either(lookup(taskId, meta)), (r) => r._tag === "Right")

    return { dispatchFor, handle, visible, liveCount: () => live.size }
  })

/** @internal */
export type Runner = Effect.Effect.Success<ReturnType<typeof make>>

/**
 * Provides the in-memory TaskStore unless one is in context.
 * @internal
 */
export const withDefaultStore = <A, E, R>(
  effect: Effect.Effect<A, E, R>
): Effect.Effect<A, E, Exclude<R, TaskStore.TaskStore>> => {
  const provided = Effect.flatMap(Effect.serviceOption(TaskStore.TaskStore), (store) =>
    Option.isSome(store) ? effect : Effect.provideServiceEffect(effect, TaskStore.TaskStore, TaskStore.make))
  // Both branches have a store, which the types cannot see: the cast drops it from the requirements.
  return provided as Effect.Effect<A, E, Exclude<R, TaskStore.TaskStore>>
}
