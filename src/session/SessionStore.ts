/**
 * Where legacy sessions are kept. The interface is asynchronous and versioned so that remote
 * backends (Redis, Postgres) fit it as well as memory and files do: every entry carries a
 * `version`, `create` starts it at 1, and `put` is a compare-and-set that only succeeds against
 * the version the writer read. Entries expire `ttl` after their last `create`, `put` or
 * `touch`, on Effect's `Clock` (so `TestClock` drives expiry in tests).
 *
 * An expired entry is absent for every operation at once; `expire` is what removes it from
 * the backend and reports it, so that the node that runs it can release what it held for it.
 *
 * @since 0.2.0
 */
import * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import type * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as internal from "./internal/sessionStore.js"
import type { SessionState } from "./SessionState.js"

/**
 * A state and the version it is stored at.
 *
 * @since 0.2.0
 * @category models
 */
export interface Versioned {
  readonly state: SessionState
  readonly version: number
}

/**
 * The store failed (I/O, network, an invalid id): the caller cannot fix it by retrying with
 * other arguments.
 *
 * @since 0.2.0
 * @category errors
 */
export class SessionStoreError extends Schema.TaggedError<SessionStoreError>()("SessionStoreError", {
  operation: Schema.Literal("load", "get", "create", "put", "touch", "delete", "expire", "count", "oldest", "update"),
  reason: Schema.optional(Schema.String),
  cause: Schema.optional(Schema.Defect)
}) {
  /**
   * @since 0.2.0
   */
  override get message(): string {
    return `Session store ${this.operation} failed` + (this.reason === undefined ? "" : `: ${this.reason}`)
  }
}

/**
 * `put` found another version than the one expected (another writer won), or no entry.
 *
 * @since 0.2.0
 * @category errors
 */
export class VersionConflict extends Schema.TaggedError<VersionConflict>()("VersionConflict", {
  id: Schema.String,
  expected: Schema.Number,
  actual: Schema.optional(Schema.Number)
}) {
  /**
   * @since 0.2.0
   */
  override get message(): string {
    return `Session ${this.id}: expected version ${this.expected}, found ` +
      (this.actual === undefined ? "no session" : `version ${this.actual}`)
  }
}

/**
 * `create` found a live entry with the same id.
 *
 * @since 0.2.0
 * @category errors
 */
export class SessionExists extends Schema.TaggedError<SessionExists>()("SessionExists", {
  id: Schema.String
}) {
  /**
   * @since 0.2.0
   */
  override get message(): string {
    return `Session ${this.id} already exists`
  }
}

/**
 * The store of legacy sessions.
 *
 * - `get`: the live entry, if any;
 * - `create`: a new entry at version 1; fails with `SessionExists` over a live one;
 * - `put`: replaces the entry at `expectedVersion` with `state` at `expectedVersion + 1`;
 *   fails with `VersionConflict` when the entry is at another version or gone;
 * - `touch`: restarts the entry's TTL and sets its `lastSeenAt` to now, without a new version
 *   (so it never makes a writer's compare-and-set fail); `false` when absent;
 * - `delete`: `true` when a live entry was removed;
 * - `expire`: removes the expired entries now and returns their ids;
 * - `count`: the live entries;
 * - `oldest`: the id of the live entry with the lowest `lastSeenAt` (for eviction).
 *
 * @since 0.2.0
 * @category services
 */
export class SessionStore extends Context.Tag("turbomcp/Session/SessionStore")<SessionStore, {
  readonly get: (id: string) => Effect.Effect<Option.Option<Versioned>, SessionStoreError>
  readonly create: (
    state: SessionState,
    ttl: Duration.DurationInput
  ) => Effect.Effect<Versioned, SessionStoreError | SessionExists>
  readonly put: (
    state: SessionState,
    expectedVersion: number,
    ttl: Duration.DurationInput
  ) => Effect.Effect<Versioned, SessionStoreError | VersionConflict>
  readonly touch: (id: string, ttl: Duration.DurationInput) => Effect.Effect<boolean, SessionStoreError>
  readonly delete: (id: string) => Effect.Effect<boolean, SessionStoreError>
  readonly expire: Effect.Effect<ReadonlyArray<string>, SessionStoreError>
  readonly count: Effect.Effect<number, SessionStoreError>
  readonly oldest: Effect.Effect<Option.Option<string>, SessionStoreError>
}>() {}

/**
 * A store in this process's memory: entries are lost when it stops, and other nodes do not
 * see them. Every operation is synchronous inside its Effect.
 *
 * @since 0.2.0
 * @category constructors
 */
export const makeMemory: Effect.Effect<SessionStore["Type"]> = internal.makeMemory

/**
 * {@link makeMemory} as a layer: the default store of `Session.layerMemory`.
 *
 * @since 0.2.0
 * @category layers
 */
export const layerMemory: Layer.Layer<SessionStore> = Layer.effect(SessionStore, makeMemory)
