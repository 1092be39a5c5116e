/**
 * A `SessionStore` persisted to a directory, one JSON file per session, for a single node
 * that should keep its sessions across a restart. While it runs, an in-memory index is the
 * source of truth (reads never touch the disk); every change is written through before it is
 * acknowledged, atomically (a temporary file in the same directory, flushed, then renamed).
 *
 * When the layer is built it loads the directory: live sessions are indexed, and expired
 * files, corrupt files and temporary files of interrupted writes are removed with a warning
 * in the log. Session ids are used as file names, so ids that do not match
 * `/^[A-Za-z0-9._-]{1,128}$/` fail with `SessionStoreError` (no path can escape the
 * directory). Two ids that differ only in case share a file on a case-insensitive file system;
 * ids from `Session.open` are random, so that does not happen to them.
 *
 * The directory belongs to one process: two processes over one directory overwrite each
 * other's sessions. Use a shared backend (Redis, Postgres) for several nodes.
 *
 * @since 0.2.0
 */
import type * as FileSystem from "@effect/platform/FileSystem"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import type * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as internal from "./internal/sessionStoreFile.js"
import { SessionStore, type SessionStoreError } from "./SessionStore.js"

/**
 * Where the file store keeps its session files.
 *
 * @since 0.2.0
 * @category models
 */
export interface Options {
  /** Created if missing. */
  readonly directory: string
}

/**
 * The session ids the file store accepts.
 *
 * @since 0.2.0
 * @category constants
 */
export const validId: RegExp = internal.validId

/**
 * Loads the directory and returns the store over it.
 *
 * @since 0.2.0
 * @category constructors
 */
export const make: (
  options: Options
) => Effect.Effect<SessionStore["Type"], SessionStoreError, FileSystem.FileSystem> = internal.make

/**
 * The file store over the `FileSystem` you provide.
 *
 * @since 0.2.0
 * @category layers
 */
export const layerFileWithoutDependencies = (
  options: Options
): Layer.Layer<SessionStore, SessionStoreError, FileSystem.FileSystem> => Layer.effect(SessionStore, make(options))

/**
 * The file store over Node's file system.
 *
 * @example
 * ```ts
 * import { NodeRuntime } from "@effect/platform-node"
 * import { Effect } from "effect"
 * import { SessionStore, SessionStoreFile } from "turbomcp-server"
 *
 * const program = Effect.gen(function*() {
 *   const store = yield* SessionStore.SessionStore
 *   yield* Effect.log(`${yield* store.count} sessions survived the restart`)
 * })
 *
 * NodeRuntime.runMain(Effect.provide(program, SessionStoreFile.layerFile({ directory: "./sessions" })))
 * ```
 *
 * @since 0.2.0
 * @category layers
 */
export const layerFile = (options: Options): Layer.Layer<SessionStore, SessionStoreError> =>
  Layer.provide(layerFileWithoutDependencies(options), NodeFileSystem.layer)
