/**
 * The 2026-07-28 revision's per-request envelope: the `_meta` keys a stateless request
 * carries in place of the `initialize` handshake, and the keys results carry back.
 *
 * @since 0.1.0
 */
import * as Either from "effect/Either"
import * as McpError from "./McpError.js"
import * as McpSchema from "./McpSchema.js"
import * as Version from "./Version.js"

/**
 * The `_meta` keys of the 2026-07-28 request envelope.
 *
 * @since 0.1.0
 * @category constants
 */
export const MetaKey = {
  protocolVersion: "io.modelcontextprotocol/protocolVersion",
  clientCapabilities: "io.modelcontextprotocol/clientCapabilities",
  clientInfo: "io.modelcontextprotocol/clientInfo",
  logLevel: "io.modelcontextprotocol/logLevel",
  serverInfo: "io.modelcontextprotocol/serverInfo",
  subscriptionId: "io.modelcontextprotocol/subscriptionId"
} as const

/**
 * The envelope a 2026-07-28 request carries in `_meta`, in place of a session.
 *
 * @since 0.1.0
 * @category models
 */
export interface Envelope {
  readonly protocolVersion: Version.ProtocolVersion
  readonly clientCapabilities: McpSchema.ClientCapabilities
  readonly clientInfo: McpSchema.Implementation | undefined
  readonly logLevel: McpSchema.LoggingLevel | undefined
}

const isObject = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)

/**
 * Whether a request claims the modern revision in its body.
 *
 * @since 0.1.0
 * @category guards
 */
export const claimsModern = (params: Record<string, unknown> | undefined): boolean => {
  const meta = params?._meta
  return isObject(meta) && MetaKey.protocolVersion in meta
}

/**
 * Reads and checks the envelope: missing keys are invalid params, an unknown version is
 * `UnsupportedProtocolVersion`.
 *
 * @since 0.1.0
 * @category decoding
 */
export const readEnvelope = (
  params: Record<string, unknown> | undefined
): Either.Either<Envelope, McpError.InvalidParams | McpError.UnsupportedProtocolVersion> => {
  const meta = params?._meta
  if (!isObject(meta)) {
    return Either.left(new McpError.InvalidParams({ message: "Invalid params: _meta with the request envelope is required" }))
  }
  const version = meta[MetaKey.protocolVersion]
  if (typeof version !== "string") {
    return Either.left(new McpError.InvalidParams({ message: `Invalid params: _meta["${MetaKey.protocolVersion}"] is required` }))
  }
  const capabilities = meta[MetaKey.clientCapabilities]
  if (!isObject(capabilities)) {
    return Either.left(
      new McpError.InvalidParams({ message: `Invalid params: _meta["${MetaKey.clientCapabilities}"] is required` })
    )
  }
  const logLevel = meta[MetaKey.logLevel]
  if (logLevel !== undefined && !(typeof logLevel === "string" && logLevel in McpSchema.loggingLevelRank)) {
    return Either.left(new McpError.InvalidParams({ message: `Invalid params: unknown log level ${String(logLevel)}` }))
  }
  if (!Version.isSupported(version) || !Version.featuresOf(version).stateless) {
    return Either.left(new McpError.UnsupportedProtocolVersion({ requested: version }))
  }
  const info = meta[MetaKey.clientInfo]
  return Either.right({
    protocolVersion: version,
    clientCapabilities: capabilities,
    clientInfo: isObject(info) && typeof info.name === "string" && typeof info.version === "string"
      ? info as McpSchema.Implementation
      : undefined,
    logLevel: logLevel as McpSchema.LoggingLevel | undefined
  })
}

/**
 * Revisions a modern request may name (`UnsupportedProtocolVersion` lists them).
 *
 * @since 0.1.0
 * @category constants
 */
export const supportedVersions: ReadonlyArray<Version.ProtocolVersion> = Version.supported.filter((v) =>
  Version.featuresOf(v).stateless
)
