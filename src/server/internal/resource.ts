/** @internal */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as McpError from "../../protocol/McpError.js"
import type * as McpSchema from "../../protocol/McpSchema.js"
import type { Completer } from "../Completion.js"
import type { CacheHint } from "../McpServer.js"
import type * as Resource from "../Resource.js"
import { compile } from "./uriTemplate.js"
import { formatParseError } from "../../protocol/internal/preview.js"

const toBase64 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64")

/** @internal */
export const toContents = (
  uri: string,
  mimeType: string | undefined,
  output: Resource.Output
): ReadonlyArray<McpSchema.ResourceContents> => {
  const withMime = mimeType === undefined ? {} : { mimeType }
  if (typeof output === "string") return [{ uri, ...withMime, text: output }]
  if (output instanceof Uint8Array) return [{ uri, ...withMime, blob: toBase64(output) }]
  if (Array.isArray(output)) return output as ReadonlyArray<McpSchema.ResourceContents>
  return [output as McpSchema.ResourceContents]
}

const metadataOf = (options: Resource.Metadata): Resource.Metadata => {
  const { name, title, description, mimeType, annotations, size, icons, _meta } = options
  return Object.fromEntries(
    Object.entries({ name, title, description, mimeType, annotations, size, icons, _meta }).filter(([, v]) =>
      v !== undefined
    )
  ) as unknown as Resource.Metadata
}

// The hint's ttl in milliseconds, as the results carry it: decoded once, at definition.
const cacheOf = (cache: CacheHint | undefined): CacheHint | undefined =>
  cache?.ttlMs === undefined ? cache : { ...cache, ttlMs: Duration.toMillis(cache.ttlMs) }

/** @internal */
export const makeResource = (options: Resource.Metadata & { readonly uri: string; readonly cache?: CacheHint }) => ({
  handle: <E, R>(read: Effect.Effect<Resource.Output, E, R>): Resource.Resource<any> => ({
    _tag: "Resource",
    uri: options.uri,
    metadata: metadataOf(options),
    cache: cacheOf(options.cache),
    read: (uri) => Effect.map(read, (output) => toContents(uri, options.mimeType, output))
  })
})

/** @internal */
export const makeTemplate = (options: Resource.Metadata & {
  readonly uriTemplate: string
  readonly cache?: CacheHint
  readonly variables?: Resource.Variables
  readonly complete?: Record<string, Completer<any> | undefined>
}) => ({
  handle: <E, R>(
    read: (variables: any, uri: string) => Effect.Effect<Resource.Output, E, R>
  ): Resource.Template<any> => {
    const compiled = compile(options.uriTemplate)
    const fields: Record<string, Schema.Schema<any, string, never>> = {}
    for (const name of compiled.variableNames) fields[name] = options.variables?.[name] ?? Schema.String
    const decode = Schema.decodeUnknown(Schema.Struct(fields), { errors: "all" })
    const completers: Record<string, Completer<any>> = {}
    for (const [name, completer] of Object.entries(options.complete ?? {})) {
      if (completer !== undefined) completers[name] = completer
    }
    return {
      _tag: "ResourceTemplate",
      uriTemplate: options.uriTemplate,
      metadata: metadataOf(options),
      cache: cacheOf(options.cache),
      match: compiled.match,
      completers,
      read: (uri, variables) =>
        decode(variables).pipe(
          Effect.mapError((error) =>
            new McpError.InvalidParams({
              message: `Invalid URI ${uri}: ${formatParseError(error)}`
            })
          ),
          Effect.flatMap((decoded) => read(decoded, uri)),
          Effect.map((output) => toContents(uri, options.mimeType, output))
        )
    }
  }
})
