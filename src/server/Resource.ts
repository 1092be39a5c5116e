/**
 * Static resources (a fixed URI) and resource templates (RFC 6570 URI templates
 * with typed variables and completion).
 *
 * @since 0.1.0
 */
import type * as Effect from "effect/Effect"
import type * as Schema from "effect/Schema"
import type * as McpSchema from "../protocol/McpSchema.js"
import type { Completer } from "./Completion.js"
import * as internal from "./internal/resource.js"
import type { McpContext } from "./McpContext.js"
import type { CacheHint } from "./McpServer.js"

/**
 * What a resource handler returns: text, bytes, or explicit contents.
 *
 * @since 0.1.0
 * @category models
 */
export type Output = string | Uint8Array | McpSchema.ResourceContents | ReadonlyArray<McpSchema.ResourceContents>

/**
 * How `resources/list` describes a resource or template.
 *
 * @since 0.1.0
 * @category models
 */
export interface Metadata {
  readonly name: string
  readonly title?: string
  readonly description?: string
  readonly mimeType?: string
  readonly annotations?: McpSchema.Annotations
  readonly size?: number
  readonly icons?: ReadonlyArray<McpSchema.Icon>
  readonly _meta?: Record<string, unknown>
}

/**
 * A static resource with its handler; register it with `McpServer.resources`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Resource<out R = never> {
  readonly _tag: "Resource"
  readonly uri: string
  readonly metadata: Metadata
  /** Cache hint of its `resources/read` results (2026-07-28); the server's default otherwise. */
  readonly cache: CacheHint | undefined
  readonly read: (uri: string) => Effect.Effect<ReadonlyArray<McpSchema.ResourceContents>, unknown, R | McpContext>
}

/**
 * A static resource at `uri`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: (options: Metadata & { readonly uri: string; readonly cache?: CacheHint }) => {
  readonly handle: <E, R>(read: Effect.Effect<Output, E, R>) => Resource<Exclude<R, McpContext>>
} = internal.makeResource

/**
 * A resource template (RFC 6570 URI template) with its handler; register it with
 * `McpServer.resources`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Template<out R = never> {
  readonly _tag: "ResourceTemplate"
  readonly uriTemplate: string
  readonly metadata: Metadata
  /** Cache hint of its `resources/read` results (2026-07-28); the server's default otherwise. */
  readonly cache: CacheHint | undefined
  /** Variables of `uri` when it matches the template. */
  readonly match: (uri: string) => Record<string, string> | undefined
  readonly read: (
    uri: string,
    variables: Record<string, string>
  ) => Effect.Effect<ReadonlyArray<McpSchema.ResourceContents>, unknown, R | McpContext>
  readonly completers: Readonly<Record<string, Completer<R>>>
}

/**
 * Variables are given as Struct fields; each decodes from the string the URI holds
 * (use `Schema.NumberFromString` and friends for other types).
 *
 * @since 0.1.0
 * @category models
 */
export type Variables = Record<string, Schema.Schema<any, string, never>>

/**
 * A resource template. Variables decode with the given Schemas; completion of each
 * variable is optional.
 *
 * @since 0.1.0
 * @category constructors
 */
export const template: <V extends Variables = {}, RC = never>(
  options: Metadata & {
    readonly uriTemplate: string
    readonly cache?: CacheHint
    readonly variables?: V
    readonly complete?: { readonly [K in keyof V]?: Completer<RC> }
  }
) => {
  readonly handle: <E, R>(
    read: (variables: { readonly [K in keyof V]: Schema.Schema.Type<V[K]> }, uri: string) => Effect.Effect<Output, E, R>
  ) => Template<Exclude<R | RC, McpContext>>
} = internal.makeTemplate
