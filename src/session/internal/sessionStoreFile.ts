/** @internal */
import * as FileSystem from "@effect/platform/FileSystem"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { randomBytes } from "node:crypto"
import { join } from "node:path"
import type * as SessionStore from "../SessionStore.js"
import { SessionStoreError } from "../SessionStore.js"
import { SessionState } from "../SessionState.js"
import { type Entry, makeIndexed, type Persistence } from "./sessionStore.js"

/** @internal */
export interface Options {
  readonly directory: string
}

/** @internal Ids that are safe as file names: no separators, no `..` path, bounded length. */
export const validId = /^[A-Za-z0-9._-]{1,128}$/

// `.` and `..` pass the pattern; `<id>.json` is still a plain file name for them, but they are
// rejected too, as no generated id looks like that.
const isValidId = (id: string): boolean => validId.test(id) && id !== "." && id !== ".."

/** @internal What one file holds. */
const FileRecord = Schema.Struct({
  version: Schema.Number.pipe(Schema.int(), Schema.positive()),
  expiresAt: Schema.Number,
  state: SessionState
})

const FileRecordJson = Schema.parseJson(FileRecord)
const encodeRecord = Schema.encode(FileRecordJson)
const decodeRecord = Schema.decodeUnknown(FileRecordJson)

const SUFFIX = ".json"
const TEMP_SUFFIX = ".tmp"

/** @internal The file of a session: the id is its own encoding, as {@link validId} admits only safe names. */
export const fileNameOf = (id: string): string => `${id}${SUFFIX}`

// Temporary files start with a dot, which no session file does... unless its id does: the
// `.tmp` suffix is what tells them apart.
const tempNameOf = (id: string): string => `.${id}${SUFFIX}.${randomBytes(6).toString("hex")}${TEMP_SUFFIX}`

/** @internal */
export const make = (
  options: Options
): Effect.Effect<SessionStore.SessionStore["Type"], SessionStoreError, FileSystem.FileSystem> =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const directory = options.directory
    const failed = (operation: SessionStoreError["operation"], reason?: string) => (cause: unknown) =>
      new SessionStoreError({ operation, cause, ...(reason === undefined ? {} : { reason }) })

    const persistence: Persistence = {
      validateId: (id, operation) =>
        isValidId(id)
          ? Effect.void
          : Effect.fail(new SessionStoreError({ operation, reason: "invalid session id" })),
      // Atomic: the new content is written and flushed to a temporary file in the same
      // directory, then renamed over the old file, so a reader (or a restart) sees the old
      // file or the new one, never half of one.
      write: (entry, operation) =>
        Effect.gen(function*() {
          const json = yield* Effect.mapError(
            encodeRecord({ version: entry.version, expiresAt: entry.expiresAt, state: entry.state }),
            failed(operation, "the session does not encode")
          )
          const temp = join(directory, tempNameOf(entry.state.id))
          const written = Effect.scoped(Effect.gen(function*() {
            const file = yield* fs.open(temp, { flag: "w", mode: 0o600 })
            yield* file.writeAll(new TextEncoder().encode(json))
            yield* file.sync
          })).pipe(Effect.zipRight(fs.rename(temp, join(directory, fileNameOf(entry.state.id)))))
          yield* written.pipe(
            Effect.tapError(() => Effect.ignore(fs.remove(temp))),
            Effect.mapError(failed(operation))
          )
        }),
      remove: (id, operation) =>
        fs.remove(join(directory, fileNameOf(id))).pipe(
          Effect.catchIf(
            (error) => error._tag === "SystemError" && error.reason === "NotFound",
            () => Effect.void
          ),
          Effect.mapError(failed(operation))
        )
    }

    // Load what a previous run left: live sessions into the index; expired ones, corrupt
    // files and temporary files of interrupted writes are removed.
    yield* fs.makeDirectory(directory, { recursive: true }).pipe(Effect.mapError(failed("load")))
    const names = yield* fs.readDirectory(directory).pipe(Effect.mapError(failed("load")))
    const now = yield* Clock.currentTimeMillis
    const entries = new Map<string, Entry>()
    const drop = (name: string) =>
      Effect.catchAll(fs.remove(join(directory, name)), (error) =>
        Effect.logWarning(`Session store: could not remove ${name}`, error))
    for (const name of names) {
      if (name.endsWith(TEMP_SUFFIX)) {
        yield* drop(name)
        continue
      }
      if (!name.endsWith(SUFFIX)) continue
      const id = name.slice(0, -SUFFIX.length)
      if (!isValidId(id)) continue
      const record = yield* fs.readFileString(join(directory, name)).pipe(
        Effect.flatMap(decodeRecord),
        Effect.option
      )
      if (record._tag === "None" || record.value.state.id !== id) {
        yield* Effect.logWarning(`Session store: dropping the corrupt session file ${name}`)
        yield* drop(name)
      } else if (record.value.expiresAt <= now) {
        yield* Effect.logWarning(`Session store: dropping the expired session file ${name}`)
        yield* drop(name)
      } else {
        entries.set(id, record.value)
      }
    }
    return yield* makeIndexed(entries, persistence)
  })
