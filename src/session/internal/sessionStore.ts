/** @internal */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type * as SessionStore from "../SessionStore.js"
import { SessionExists, VersionConflict } from "../SessionStore.js"
import type { SessionState } from "../SessionState.js"

/** @internal What a store keeps for one session. */
export interface Entry {
  readonly state: SessionState
  readonly version: number
  readonly expiresAt: number
}

type Operation = SessionStore.SessionStoreError["operation"]

/**
 * @internal
 * Where an indexed store writes its entries through to, e.g. one file per entry. Each call
 * runs with the store's write lock held, before the index changes: the index only ever holds
 * what was persisted.
 */
export interface Persistence {
  readonly validateId: (id: string, operation: Operation) => Effect.Effect<void, SessionStore.SessionStoreError>
  readonly write: (entry: Entry, operation: Operation) => Effect.Effect<void, SessionStore.SessionStoreError>
  readonly remove: (id: string, operation: Operation) => Effect.Effect<void, SessionStore.SessionStoreError>
}

// JSON has no Infinity: an unlimited TTL is stored as the largest exact integer.
const expiresAtOf = (now: number, ttl: Duration.DurationInput): number =>
  Math.min(now + Duration.toMillis(Duration.decode(ttl)), Number.MAX_SAFE_INTEGER)

/**
 * @internal
 * A store over an in-memory index, written through to `persistence` when there is one. The
 * index is the source of truth while the store runs. With persistence, mutations are
 * serialized (one write at a time) so that the files are written in the order of the
 * versions; without, every operation is synchronous and needs no lock.
 */
export const makeIndexed = (
  entries: Map<string, Entry>,
  persistence: Persistence | undefined
): Effect.Effect<SessionStore.SessionStore["Type"]> =>
  Effect.map(Effect.makeSemaphore(1), (lock) => {
    // `entries` is private to this store and touched only synchronously.
    const live = (id: string, now: number): Entry | undefined => {
      const entry = entries.get(id)
      return entry !== undefined && entry.expiresAt > now ? entry : undefined
    }
    const validate = (id: string, operation: Operation) =>
      persistence === undefined ? Effect.void : persistence.validateId(id, operation)
    const write = (entry: Entry, operation: Operation) =>
      persistence === undefined ? Effect.void : persistence.write(entry, operation)
    const remove = (id: string, operation: Operation) =>
      persistence === undefined ? Effect.void : persistence.remove(id, operation)
    const serialized = <A, E>(effect: Effect.Effect<A, E>): Effect.Effect<A, E> =>
      persistence === undefined ? effect : lock.withPermits(1)(effect)

    const store: SessionStore.SessionStore["Type"] = {
      get: (id) =>
        Effect.zipRight(
          validate(id, "get"),
          Effect.clockWith((clock) =>
            Effect.sync(() => {
              const entry = live(id, clock.unsafeCurrentTimeMillis())
              return entry === undefined
                ? Option.none()
                : Option.some({ state: entry.state, version: entry.version })
            })
          )
        ),
      create: (state, ttl) =>
        Effect.zipRight(
          validate(state.id, "create"),
          serialized(Effect.gen(function*() {
            const now = yield* Clock.currentTimeMillis
            if (live(state.id, now) !== undefined) return yield* new SessionExists({ id: state.id })
            const entry: Entry = { state, version: 1, expiresAt: expiresAtOf(now, ttl) }
            yield* write(entry, "create")
            entries.set(state.id, entry)
            return { state, version: 1 }
          }))
        ),
      put: (state, expectedVersion, ttl) =>
        Effect.zipRight(
          validate(state.id, "put"),
          serialized(Effect.gen(function*() {
            const now = yield* Clock.currentTimeMillis
            const current = live(state.id, now)
            if (current === undefined || current.version !== expectedVersion) {
              return yield* new VersionConflict({
                id: state.id,
                expected: expectedVersion,
                ...(current === undefined ? {} : { actual: current.version })
              })
            }
            const entry: Entry = { state, version: expectedVersion + 1, expiresAt: expiresAtOf(now, ttl) }
            yield* write(entry, "put")
            entries.set(state.id, entry)
            return { state, version: entry.version }
          }))
        ),
      touch: (id, ttl) =>
        Effect.zipRight(
          validate(id, "touch"),
          serialized(Effect.gen(function*() {
            const now = yield* Clock.currentTimeMillis
            const current = live(id, now)
            if (current === undefined) return false
            const entry: Entry = {
              state: { ...current.state, lastSeenAt: now },
              version: current.version,
              expiresAt: expiresAtOf(now, ttl)
            }
            yield* write(entry, "touch")
            entries.set(id, entry)
            return true
          }))
        ),
      delete: (id) =>
        Effect.zipRight(
          validate(id, "delete"),
          serialized(Effect.gen(function*() {
            const now = yield* Clock.currentTimeMillis
            if (!entries.has(id)) return false
            const wasLive = live(id, now) !== undefined
            yield* remove(id, "delete")
            entries.delete(id)
            return wasLive
          }))
        ),
      expire: serialized(Effect.gen(function*() {
        const now = yield* Clock.currentTimeMillis
        const expired: Array<string> = []
        for (const [id, entry] of entries) if (entry.expiresAt <= now) expired.push(id)
        for (const id of expired) entries.delete(id)
        // The entries are gone from the index either way; a file left behind is expired and
        // is dropped when the store next loads.
        yield* Effect.forEach(expired, (id) =>
          Effect.catchAll(remove(id, "expire"), (error) =>
            Effect.logWarning("Session store: an expired session could not be removed", error)), { discard: true })
        return expired
      })),
      count: Effect.clockWith((clock) =>
        Effect.sync(() => {
          const now = clock.unsafeCurrentTimeMillis()
          let n = 0
          for (const entry of entries.values()) if (entry.expiresAt > now) n++
          return n
        })
      ),
      oldest: Effect.clockWith((clock) =>
        Effect.sync(() => {
          const now = clock.unsafeCurrentTimeMillis()
          let oldest: Entry | undefined
          for (const entry of entries.values()) {
            if (entry.expiresAt > now && (oldest === undefined || entry.state.lastSeenAt < oldest.state.lastSeenAt)) {
              oldest = entry
            }
          }
          return oldest === undefined ? Option.none() : Option.some(oldest.state.id)
        })
      )
    }
    return store
  })

/** @internal */
export const makeMemory: Effect.Effect<SessionStore.SessionStore["Type"]> = Effect.suspend(() =>
  makeIndexed(new Map(), undefined)
)
