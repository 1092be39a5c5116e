/** @internal */
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as ExecutionStrategy from "effect/ExecutionStrategy"
import * as Exit from "effect/Exit"
import * as Metric from "effect/Metric"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import * as Scope from "effect/Scope"
import { randomBytes } from "node:crypto"
import * as Version from "../../protocol/Version.js"
import type * as Session from "../Session.js"
import { SessionLimitReached, SessionNotFound } from "../Session.js"
import { SessionStore, SessionStoreError, type VersionConflict } from "../SessionStore.js"
import * as SessionState from "../SessionState.js"

/** @internal */
export interface Options {
  readonly idleTimeout?: Duration.DurationInput | undefined
  readonly maxSessions?: number | undefined
  readonly onFull?: "reject" | "evict-oldest" | undefined
  readonly cleanupInterval?: Duration.DurationInput | undefined
}

/** @internal */
export const gaugeName = "mcp_sessions_active"

/** @internal */
export const activeSessions = Metric.gauge(gaugeName, { description: "Live legacy MCP sessions in the session store" })

/** @internal 24 random bytes: 192 bits, 32 characters of base64url. */
export const generateId = (): string => randomBytes(24).toString("base64url")

/**
 * @internal
 * Ids `open` could have made (and any store accepts as a key). A client's header that is not
 * one names no session: it is answered as unknown without asking the store.
 */
export const plausibleId = /^[A-Za-z0-9._-]{1,128}$/

/** @internal Attempts of `update` before it gives up on compare-and-set conflicts. */
export const maxUpdateAttempts = 5

// Updates of one session on this node take turns (see `update`); sessions are spread over
// this many locks so that unrelated sessions rarely wait on each other.
const LOCK_STRIPES = 64

const stripeOf = (id: string): number => {
  let hash = 0
  for (let i = 0; i < id.length; i++) hash = (hash * 31 + id.charCodeAt(i)) | 0
  return (hash >>> 0) % LOCK_STRIPES
}

/** @internal */
export const make = (
  options: Options
): Effect.Effect<Session.Session["Type"], never, SessionStore | Scope.Scope> =>
  Effect.gen(function*() {
    const store = yield* SessionStore
    const layerScope = yield* Effect.scope
    const idleTimeout = Duration.decode(options.idleTimeout ?? "30 minutes")
    const cleanupInterval = Duration.decode(options.cleanupInterval ?? "1 minute")
    const maxSessions = options.maxSessions ?? 10_000
    const onFull = options.onFull ?? "reject"
    if (!Number.isInteger(maxSessions) || maxSessions < 1) {
      return yield* Effect.dieMessage(`Session: maxSessions must be a positive integer, got ${maxSessions}`)
    }
    // A rejected client may retry once the next cleanup could have freed a slot.
    const retryAfterSeconds = Math.max(1, Math.ceil(Duration.toSeconds(cleanupInterval)))

    const openLock = yield* Effect.makeSemaphore(1)
    const scopeLock = yield* Effect.makeSemaphore(1)
    const updateLocks = yield* Effect.forEach(Array.from({ length: LOCK_STRIPES }), () => Effect.makeSemaphore(1))
    // The scopes of the sessions this node holds something for; private to this closure and
    // touched only synchronously (under `scopeLock`, so that no scope is made for a session
    // being closed).
    const scopes = new Map<string, Scope.CloseableScope>()

    const refreshGauge = store.count.pipe(
      Effect.flatMap((n) => Metric.set(activeSessions, n)),
      Effect.catchAll((error) => Effect.logWarning("Session: could not count the sessions", error))
    )

    /** Closes the scope of a session that is gone, if this node made one. */
    const release = (id: string) =>
      scopeLock.withPermits(1)(Effect.sync(() => {
        const scope = scopes.get(id)
        scopes.delete(id)
        return scope
      })).pipe(
        // Closed outside the lock: its finalizers may call back into this service.
        Effect.flatMap((scope) => scope === undefined ? Effect.void : Scope.close(scope, Exit.void))
      )

    const remove = (id: string) => Effect.zipLeft(store.delete(id), release(id))

    const open = (init: Session.OpenInit = {}) =>
      openLock.withPermits(1)(Effect.gen(function*() {
        // The limit holds for this node's opens, which take turns; opens on other nodes over a
        // shared store race with them, so a shared store may briefly hold a few more.
        let count = yield* store.count
        if (count >= maxSessions) {
          if (onFull === "reject") return yield* new SessionLimitReached({ limit: maxSessions, retryAfterSeconds })
          for (let evictions = count - maxSessions + 1; evictions > 0 && count >= maxSessions; evictions--) {
            const oldest = yield* store.oldest
            if (Option.isNone(oldest)) break
            yield* Effect.logInfo(`Session: evicting the least recently seen session to open a new one`)
            yield* remove(oldest.value)
            count = yield* store.count
          }
        }
        const state = SessionState.make({
          id: generateId(),
          protocolVersion: init.protocolVersion ?? Version.latestLegacy,
          now: yield* Clock.currentTimeMillis,
          subject: init.subject
        })
        // Should never happen because the id has 192 random bits.
        yield* Effect.catchTag(store.create(state, idleTimeout), "SessionExists", (e) => Effect.die(e))
        yield* refreshGauge
        return state
      }))

    const get = (id: string) =>
      Effect.gen(function*() {
        if (!plausibleId.test(id)) return Option.none()
        if (!(yield* store.touch(id, idleTimeout))) {
          yield* release(id)
          return Option.none()
        }
        const found = yield* store.get(id)
        if (Option.isNone(found)) yield* release(id)
        return Option.map(found, (v) => v.state)
      })

    const update = (id: string, f: (state: SessionState.SessionState) => SessionState.SessionState) =>
      // Updates of one session on this node take turns, so that they do not make each other
      // retry; compare-and-set resolves races with other nodes.
      updateLocks[stripeOf(id)].withPermits(1)(Effect.gen(function*() {
        if (!plausibleId.test(id)) return yield* new SessionNotFound({ id })
        let conflict: VersionConflict | undefined
        for (let attempt = 0; attempt < maxUpdateAttempts; attempt++) {
          const current = yield* store.get(id)
          if (Option.isNone(current)) {
            yield* release(id)
            return yield* new SessionNotFound({ id })
          }
          const next: SessionState.SessionState = {
            ...f(current.value.state),
            id,
            lastSeenAt: yield* Clock.currentTimeMillis
          }
          const written = yield* Effect.either(store.put(next, current.value.version, idleTimeout))
          if (written._tag === "Right") return written.right.state
          if (written.left._tag === "SessionStoreError") return yield* written.left
          conflict = written.left
        }
        return yield* new SessionStoreError({
          operation: "update",
          reason: `${maxUpdateAttempts} concurrent writes won over this one`,
          cause: conflict
        })
      }))

    const close = (id: string) =>
      plausibleId.test(id) ? Effect.zipLeft(remove(id), refreshGauge) : Effect.succeed(false)

    const scopeOf = (id: string) =>
      scopeLock.withPermits(1)(Effect.gen(function*() {
        const existing = scopes.get(id)
        if (existing !== undefined) return existing
        if (!plausibleId.test(id)) return yield* new SessionNotFound({ id })
        if (Option.isNone(yield* store.get(id))) return yield* new SessionNotFound({ id })
        const scope = yield* Scope.fork(layerScope, ExecutionStrategy.sequential)
        scopes.set(id, scope)
        return scope as Scope.Scope
      }))

    const cleanup = store.expire.pipe(
      Effect.flatMap((ids) => Effect.forEach(ids, release, { discard: true })),
      Effect.zipRight(refreshGauge),
      Effect.catchAllCause((cause) =>
        Cause.isInterruptedOnly(cause) ? Effect.failCause(cause) : Effect.logWarning("Session cleanup failed", cause)
      )
    )
    yield* cleanup.pipe(Effect.schedule(Schedule.spaced(cleanupInterval)), Effect.forkScoped)
    yield* refreshGauge

    const service: Session.Session["Type"] = {
      open,
      get,
      update,
      close,
      count: store.count,
      scopeOf
    }
    return service
  })
