/**
 * Where the tasks of the `io.modelcontextprotocol/tasks` extension (2026-07-28) keep their
 * state: status, outstanding input requests, and the final result or error. The server's
 * task runner holds the running fibers in-process; the store holds what `tasks/get` answers.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Data from "effect/Data"
import type * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Option from "effect/Option"
import type * as JsonRpc from "../protocol/JsonRpc.js"
import * as internal from "./internal/taskStore.js"

/**
 * The status of a task.
 *
 * @since 0.1.0
 * @category models
 */
export type TaskStatus = "working" | "input_required" | "completed" | "failed" | "cancelled"

/**
 * A server-to-client request a task waits on, as it appears in `inputRequests`.
 *
 * @since 0.1.0
 * @category models
 */
export interface InputRequest {
  readonly method: string
  readonly params: unknown
}

/**
 * One task as stored: the wire fields of a `DetailedTask` plus its owner.
 *
 * @since 0.1.0
 * @category models
 */
export interface Task {
  /** Unguessable: it is the only handle on the task. */
  readonly taskId: string
  readonly status: TaskStatus
  readonly statusMessage?: string
  /** ISO 8601. */
  readonly createdAt: string
  /** ISO 8601. */
  readonly lastUpdatedAt: string
  /** Lifetime from `createdAt` in ms; `null` is unlimited. The store may drop the task after it. */
  readonly ttlMs: number | null
  readonly pollIntervalMs?: number
  /** Outstanding requests while `input_required`; keys are never reused within a task. */
  readonly inputRequests?: Readonly<Record<string, InputRequest>>
  /** The `CallToolResult` of a completed task. */
  readonly result?: unknown
  /** The JSON-RPC error of a failed task. */
  readonly error?: JsonRpc.ErrorObject
  /** Subject of the principal that created the task; only that principal may address it. */
  readonly owner?: string
}

/**
 * A backend failure of a task store.
 *
 * @since 0.1.0
 * @category errors
 */
export class TaskStoreError extends Data.TaggedError("TaskStoreError")<{
  readonly message: string
  readonly cause?: unknown
}> {}

/**
 * The task store. `modify` must be atomic per task (the memory store applies `f`
 * synchronously; a remote store would use a transaction or compare-and-set and may call
 * `f` more than once).
 *
 * @since 0.1.0
 * @category services
 */
export class TaskStore extends Context.Tag("turbomcp/TaskStore")<TaskStore, {
  /** Stores a new task; once this succeeds, `get` finds it (tasks are created durably). */
  readonly create: (task: Task) => Effect.Effect<void, TaskStoreError>
  /** The task, unless unknown or past its TTL. */
  readonly get: (taskId: string) => Effect.Effect<Option.Option<Task>, TaskStoreError>
  /** Replaces the task with `f` of it; `None` when the task is unknown or expired. */
  readonly modify: (taskId: string, f: (task: Task) => Task) => Effect.Effect<Option.Option<Task>, TaskStoreError>
}>() {}

/**
 * Whether a status is final.
 *
 * @since 0.1.0
 * @category guards
 */
export const isTerminal = (status: TaskStatus): boolean =>
  status === "completed" || status === "failed" || status === "cancelled"

/**
 * An in-memory store; tasks expire `ttlMs` after `createdAt` on the `Clock` (so `TestClock`
 * drives expiry in tests).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<TaskStore["Type"]> = internal.make

/**
 * The in-memory store, the default of `McpServer.layer`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerMemory: Layer.Layer<TaskStore> = Layer.effect(TaskStore, make)
