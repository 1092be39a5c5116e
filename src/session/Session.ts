/**
 * Sessions of legacy-era clients (revisions 2024-11-05 to 2025-11-25, addressed by the
 * `Mcp-Session-Id` header); stateless 2026-07-28 requests never touch it. The `Session`
 * service opens, reads, updates and closes them over a `SessionStore`, so the backend (memory,
 * files, Redis, Postgres) is a layer choice:
 *
 * - sessions expire after `idleTimeout` without use (each `get` and `update` restarts it);
 *   a fiber in the layer's scope calls `SessionStore.expire` every `cleanupInterval`;
 * - at most `maxSessions` live at once; beyond, `open` fails with {@link SessionLimitReached}
 *   (`"reject"`, the default; answer HTTP 503) or evicts the least recently seen session
 *   (`"evict-oldest"`);
 * - `update` is a read-modify-write with compare-and-set, retried on conflicts with other
 *   nodes;
 * - `scopeOf` gives each session a `Scope` on this node: a transport forks the session's
 *   streams and fibers in it and adds finalizers to it; `close` and expiry close it. The
 *   scope is a child of the layer's scope, so shutting the layer down closes them all.
 * - the gauge `mcp_sessions_active` follows the store's count on open, close and cleanup.
 *
 * @example
 * ```ts
 * import { NodeRuntime } from "@effect/platform-node"
 * import { Effect, Option } from "effect"
 * import { Session } from "turbomcp-server"
 *
 * const program = Effect.gen(function*() {
 *   const sessions = yield* Session.Session
 *   const opened = yield* sessions.open({ protocolVersion: "2025-06-18" })
 *   yield* sessions.update(opened.id, (s) => ({ ...s, phase: "ready" }))
 *   const found = yield* sessions.get(opened.id)
 *   yield* Effect.log(Option.map(found, (s) => s.phase))
 *   yield* sessions.close(opened.id)
 * })
 *
 * NodeRuntime.runMain(Effect.provide(program, Session.layerMemory({ idleTimeout: "10 minutes" })))
 * ```
 *
 * @since 0.2.0
 */
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Metric from "effect/Metric"
import type * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import * as internal from "./internal/session.js"
import * as SessionStore from "./SessionStore.js"
import * as SessionStoreFile from "./SessionStoreFile.js"
import type { SessionState } from "./SessionState.js"

/**
 * - `idleTimeout`: how long a session lives without use (default 30 minutes);
 * - `maxSessions`: live sessions at most (default 10 000);
 * - `onFull`: what `open` does at the limit: `"reject"` (default) or `"evict-oldest"`;
 * - `cleanupInterval`: how often expired sessions are removed (default 1 minute).
 *
 * @since 0.2.0
 * @category models
 */
export interface SessionOptions extends internal.Options {}

/**
 * What `open` starts a session with: the subject of the authenticated principal, if any, and
 * the negotiated revision (default `Version.latestLegacy`).
 *
 * @since 0.2.0
 * @category models
 */
export interface OpenInit {
  readonly subject?: string | undefined
  readonly protocolVersion?: string | undefined
}

/**
 * `open` found `maxSessions` live sessions with `onFull: "reject"`. Transports answer HTTP 503
 * with `Retry-After: retryAfterSeconds`.
 *
 * @since 0.2.0
 * @category errors
 */
export class SessionLimitReached extends Schema.TaggedError<SessionLimitReached>()("SessionLimitReached", {
  limit: Schema.Number,
  retryAfterSeconds: Schema.Number
}) {
  /**
   * @since 0.2.0
   */
  override get message(): string {
    return "Service Unavailable: too many sessions"
  }
}

/**
 * No live session has this id (never opened, closed, or expired).
 *
 * @since 0.2.0
 * @category errors
 */
export class SessionNotFound extends Schema.TaggedError<SessionNotFound>()("SessionNotFound", {
  id: Schema.String
}) {
  /**
   * @since 0.2.0
   */
  override get message(): string {
    return "Session not found"
  }
}

/**
 * The session service of legacy-era transports.
 *
 * - `open`: a new session with an unguessable id (192 random bits, base64url);
 * - `get`: the live session, restarting its idle timeout (and setting `lastSeenAt`);
 * - `update`: replaces the session with `f` of it (its `id` kept, `lastSeenAt` set to now),
 *   with compare-and-set; `f` may run more than once, so keep it pure;
 * - `close`: removes the session and closes its scope; `true` when it was live;
 * - `count`: live sessions in the store;
 * - `scopeOf`: the session's scope on this node, made on first use; fails with
 *   {@link SessionNotFound} when there is no live session.
 *
 * An id that `open` could not have made (not 1 to 128 of `A-Z a-z 0-9 . _ -`, e.g. a client's
 * malformed `Mcp-Session-Id`) names no session, without a store call.
 *
 * @since 0.2.0
 * @category services
 */
export class Session extends Context.Tag("turbomcp/Session")<Session, {
  readonly open: (init?: OpenInit) => Effect.Effect<SessionState, SessionLimitReached | SessionStore.SessionStoreError>
  readonly get: (id: string) => Effect.Effect<Option.Option<SessionState>, SessionStore.SessionStoreError>
  readonly update: (
    id: string,
    f: (state: SessionState) => SessionState
  ) => Effect.Effect<SessionState, SessionNotFound | SessionStore.SessionStoreError>
  readonly close: (id: string) => Effect.Effect<boolean, SessionStore.SessionStoreError>
  readonly count: Effect.Effect<number, SessionStore.SessionStoreError>
  readonly scopeOf: (id: string) => Effect.Effect<Scope.Scope, SessionNotFound | SessionStore.SessionStoreError>
}>() {}

/**
 * The gauge of live sessions, `mcp_sessions_active`.
 *
 * @since 0.2.0
 * @category metrics
 */
export const activeSessions: Metric.Metric.Gauge<number> = internal.activeSessions

/**
 * The service over the `SessionStore` in context; its cleanup fiber and the sessions' scopes
 * live in the `Scope` it is built in.
 *
 * @since 0.2.0
 * @category constructors
 */
export const make: (
  options?: SessionOptions
) => Effect.Effect<Session["Type"], never, SessionStore.SessionStore | Scope.Scope> = (options = {}) =>
  internal.make(options)

/**
 * The service over the `SessionStore` you provide.
 *
 * @since 0.2.0
 * @category layers
 */
export const layer = (options: SessionOptions = {}): Layer.Layer<Session, never, SessionStore.SessionStore> =>
  Layer.scoped(Session, make(options))

/**
 * Sessions in this process's memory (`SessionStore.layerMemory`): the default for a single
 * node, and for tests.
 *
 * @since 0.2.0
 * @category layers
 */
export const layerMemory = (options: SessionOptions = {}): Layer.Layer<Session> =>
  Layer.provide(layer(options), SessionStore.layerMemory)

/**
 * Sessions persisted in `directory` (`SessionStoreFile.layerFile`), for a single node that
 * keeps its sessions across restarts.
 *
 * @since 0.2.0
 * @category layers
 */
export const layerFile = (
  directory: string,
  options: SessionOptions = {}
): Layer.Layer<Session, SessionStore.SessionStoreError> =>
  Layer.provide(layer(options), SessionStoreFile.layerFile({ directory }))

/**
 * {@link layer} with its options read from configuration.
 *
 * @example
 * ```ts
 * import { Config, Layer } from "effect"
 * import { Session, SessionStore } from "turbomcp-server"
 *
 * export const SessionLive = Session.layerConfig({
 *   idleTimeout: Config.duration("MCP_SESSION_IDLE_TIMEOUT").pipe(Config.withDefault("30 minutes")),
 *   maxSessions: Config.integer("MCP_MAX_SESSIONS").pipe(Config.withDefault(10_000))
 * }).pipe(Layer.provide(SessionStore.layerMemory))
 * ```
 *
 * @since 0.2.0
 * @category layers
 */
export const layerConfig = (
  options: Config.Config.Wrap<SessionOptions>
): Layer.Layer<Session, ConfigError.ConfigError, SessionStore.SessionStore> =>
  Layer.unwrapEffect(Effect.map(Config.unwrap(options), layer))

/**
 * {@link layerMemory} with its options read from configuration.
 *
 * @since 0.2.0
 * @category layers
 */
export const layerMemoryConfig = (
  options: Config.Config.Wrap<SessionOptions>
): Layer.Layer<Session, ConfigError.ConfigError> => Layer.provide(layerConfig(options), SessionStore.layerMemory)
