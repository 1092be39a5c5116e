/**
 * Prompts: typed string arguments (with descriptions and completion) and a handler
 * that produces messages.
 *
 * @since 0.1.0
 */
import type * as Effect from "effect/Effect"
import type * as Schema from "effect/Schema"
import type * as McpSchema from "../protocol/McpSchema.js"
import type { Completer } from "./Completion.js"
import * as internal from "./internal/prompt.js"
import type { McpContext } from "./McpContext.js"

/**
 * What a prompt handler returns: one user message as text, messages, or a whole result.
 *
 * @since 0.1.0
 * @category models
 */
export type Output = string | ReadonlyArray<McpSchema.PromptMessage> | McpSchema.GetPromptResult

/**
 * Arguments arrive as strings; each field's Schema decodes from a string. Wrap a
 * field in `Schema.optional` to make it optional; `description` annotations reach clients.
 *
 * @since 0.1.0
 * @category models
 */
export type Arguments = Record<string, Schema.Schema<any, string, never> | Schema.optional<Schema.Schema<any, string, never>>>

/**
 * One argument of a prompt, as `prompts/list` describes it.
 *
 * @since 0.1.0
 * @category models
 */
export interface Argument {
  readonly name: string
  readonly description?: string
  readonly required?: boolean
}

/**
 * A prompt with its handler; register it with `McpServer.prompts`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Prompt<out R = never> {
  readonly _tag: "Prompt"
  readonly name: string
  readonly title: string | undefined
  readonly description: string | undefined
  readonly icons: ReadonlyArray<McpSchema.Icon> | undefined
  readonly arguments: ReadonlyArray<Argument>
  readonly get: (args: unknown) => Effect.Effect<McpSchema.GetPromptResult, unknown, R | McpContext>
  readonly completers: Readonly<Record<string, Completer<R>>>
}

/**
 * Declares a prompt; `.handle(...)` gives it a handler.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: <A extends Arguments = {}, RC = never>(
  name: string,
  options?: {
    readonly title?: string
    readonly description?: string
    readonly icons?: ReadonlyArray<McpSchema.Icon>
    readonly arguments?: A
    readonly complete?: { readonly [K in keyof A]?: Completer<RC> }
  }
) => {
  readonly handle: <E, R>(
    handler: (args: Schema.Struct.Type<A>) => Effect.Effect<Output, E, R>
  ) => Prompt<Exclude<R | RC, McpContext>>
} = internal.make
