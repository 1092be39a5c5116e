/**
 * The canonical request: whatever the era or transport, a request reaches the
 * dispatcher with this metadata. Legacy sessions fill it from the `initialize`
 * handshake; modern requests carry it in `_meta`.
 *
 * @since 0.1.0
 */
import type * as McpSchema from "../protocol/McpSchema.js"
import type * as Version from "../protocol/Version.js"
import type * as JsonRpc from "../protocol/JsonRpc.js"

/**
 * Who made the request, as established by an authentication layer.
 *
 * @since 0.1.0
 * @category models
 */
export interface Principal {
  readonly subject: string
  readonly scopes: ReadonlyArray<string>
  readonly claims: Readonly<Record<string, unknown>>
}

/**
 * What the server knows about a request besides its params: revision, client, log level, progress
 * token, trace context, principal and session.
 *
 * @since 0.1.0
 * @category models
 */
export interface RequestMeta {
  readonly protocolVersion: Version.ProtocolVersion
  readonly clientCapabilities: McpSchema.ClientCapabilities
  readonly clientInfo: McpSchema.Implementation | undefined
  /** Least severe level the client wants; `undefined` means the client set none. */
  readonly logLevel: McpSchema.LoggingLevel | undefined
  readonly progressToken: JsonRpc.RequestId | undefined
  /** W3C trace context carried in `_meta` or HTTP headers. */
  readonly traceparent: string | undefined
  readonly tracestate: string | undefined
  readonly principal: Principal | undefined
  /** Legacy sessions only. */
  readonly sessionId: string | undefined
}

/**
 * The metadata of a request that brings nothing but its revision: no handshake, no session,
 * no trace context, no principal (a stateless legacy HTTP request).
 *
 * @since 0.1.0
 * @category constructors
 */
export const bare = (protocolVersion: Version.ProtocolVersion): RequestMeta => ({
  protocolVersion,
  clientCapabilities: {},
  clientInfo: undefined,
  logLevel: undefined,
  progressToken: undefined,
  traceparent: undefined,
  tracestate: undefined,
  principal: undefined,
  sessionId: undefined
})

/**
 * Reads a progress token from request params' `_meta`.
 *
 * @since 0.1.0
 * @category accessors
 */
export const progressTokenOf = (params: Record<string, unknown> | undefined): JsonRpc.RequestId | undefined => {
  const meta = params?._meta
  if (typeof meta !== "object" || meta === null) return undefined
  const token = (meta as Record<string, unknown>).progressToken
  return typeof token === "string" || typeof token === "number" ? token : undefined
}

/**
 * Reads a string entry of request params' `_meta`.
 *
 * @since 0.1.0
 * @category accessors
 */
export const metaString = (params: Record<string, unknown> | undefined, key: string): string | undefined => {
  const meta = params?._meta
  if (typeof meta !== "object" || meta === null) return undefined
  const value = (meta as Record<string, unknown>)[key]
  return typeof value === "string" ? value : undefined
}
