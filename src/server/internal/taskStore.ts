/** @internal */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type * as TaskStore from "../TaskStore.js"

interface Entry {
  readonly task: TaskStore.Task
  readonly expiresAt: number
}

// Expired entries are dropped when read, and swept at most once a minute on create.
const SWEEP_INTERVAL = 60_000

/** @internal */
export const make: Effect.Effect<TaskStore.TaskStore["Type"]> = Effect.sync(() => {
  // Private to this closure and touched only synchronously.
  const entries = new Map<string, Entry>()
  let lastSweep = 0

  const live = (taskId: string, now: number): Entry | undefined => {
    const entry = entries.get(taskId)
    if (entry === undefined) return undefined
    if (entry.expiresAt <= now) {
      entries.delete(taskId)
      return undefined
    }
    return entry
  }

  return {
    create: (task) =>
      Effect.clockWith((clock) =>
        Effect.sync(() => {
          const now = clock.unsafeCurrentTimeMillis()
          if (now - lastSweep >= SWEEP_INTERVAL) {
            lastSweep = now
            for (const [id, entry] of entries) if (entry.expiresAt <= now) entries.delete(id)
          }
          const created = Date.parse(task.createdAt)
          entries.set(task.taskId, {
            task,
            expiresAt: task.ttlMs === null ? Infinity : (Number.isNaN(created) ? now : created) + task.ttlMs
          })
        })
      ),
    get: (taskId) =>
      Effect.clockWith((clock) =>
        Effect.sync(() => Option.map(Option.fromNullable(live(taskId, clock.unsafeCurrentTimeMillis())), (e) => e.task))
      ),
    modify: (taskId, f) =>
      Effect.clockWith((clock) =>
        Effect.sync(() => {
          const entry = live(taskId, clock.unsafeCurrentTimeMillis())
          if (entry === undefined) return Option.none()
          const task = f(entry.task)
          entries.set(taskId, { task, expiresAt: entry.expiresAt })
          return Option.some(task)
        })
      )
  }
})
