/**
 * Tools: a name, a parameters Schema (its JSON Schema is what clients see), an
 * optional success Schema for structured output, and a handler Effect.
 *
 * @since 0.1.0
 */
import type * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import type * as Schema from "effect/Schema"
import type * as McpSchema from "../protocol/McpSchema.js"
import type { McpContext } from "./McpContext.js"
import * as internal from "./internal/tool.js"

/**
 * Hints about a tool's behaviour, as `tools/list` describes it (not guarantees).
 *
 * @since 0.1.0
 * @category models
 */
export interface Annotations {
  readonly title?: string
  readonly readOnlyHint?: boolean
  readonly destructiveHint?: boolean
  readonly idempotentHint?: boolean
  readonly openWorldHint?: boolean
}

/**
 * What a handler without a success Schema may return: text, content, or a whole result.
 *
 * @since 0.1.0
 * @category models
 */
export type Output = string | McpSchema.Content | ReadonlyArray<McpSchema.Content> | McpSchema.CallToolResult

/**
 * Parameters are given as Struct fields or as any Schema of an object.
 *
 * @since 0.1.0
 * @category models
 */
export type Parameters = Schema.Struct.Fields | Schema.Schema.AnyNoContext

/**
 * The type of a tool's decoded parameters.
 *
 * @since 0.1.0
 * @category models
 */
export type ParametersType<P extends Parameters> = P extends Schema.Schema<infer A, infer _I, never> ? A
  : P extends Schema.Struct.Fields ? Schema.Struct.Type<P>
  : never

/**
 * The type a tool's handler succeeds with: the success Schema's type, else any `Output`.
 *
 * @since 0.1.0
 * @category models
 */
export type SuccessType<S> = S extends Schema.Schema<infer A, infer _I, never> ? A : Output

/**
 * Options of {@link make}: description, parameters and success Schemas, annotations, icons and task
 * support.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options<P extends Parameters, S extends Schema.Schema.AnyNoContext | undefined> {
  readonly description?: string
  readonly title?: string
  readonly parameters?: P
  readonly success?: S
  readonly annotations?: Annotations
  readonly icons?: ReadonlyArray<McpSchema.Icon>
  readonly _meta?: Record<string, unknown>
  /**
   * Makes the tool a task tool (the `io.modelcontextprotocol/tasks` extension, 2026-07-28):
   * a call whose request declares the extension is answered with a `CreateTaskResult` and the
   * handler runs detached. Without the extension, `"optional"` runs synchronously and
   * `"required"` fails with -32021 (legacy revisions: -32600).
   */
  readonly task?: TaskSupport
  /**
   * When a task tool becomes a task: `"auto"` (default) before its handler starts;
   * `"manual"` when the handler calls `ctx.detach`, so it may first gather input
   * synchronously (MRTR) and decide whether to detach at all.
   */
  readonly taskDetach?: "auto" | "manual"
}

/**
 * Whether a task tool's calls may (`optional`) or must (`required`) become tasks.
 *
 * @since 0.1.0
 * @category models
 */
export type TaskSupport = "optional" | "required"

/**
 * A tool ready to register. `R` is what its handler needs besides `McpContext`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Tool<out R = never> {
  readonly _tag: "Tool"
  readonly name: string
  readonly title: string | undefined
  readonly description: string | undefined
  readonly annotations: Annotations | undefined
  readonly icons: ReadonlyArray<McpSchema.Icon> | undefined
  readonly _meta: Record<string, unknown> | undefined
  /** Input JSON Schema, derived once from the parameters Schema. */
  readonly inputSchema: Record<string, unknown>
  /** Output JSON Schema when the tool has a success Schema. */
  readonly outputSchema: Record<string, unknown> | undefined
  /**
   * Parameters mirrored into `Mcp-Param-*` HTTP headers (SEP-2243), declared with the
   * `x-mcp-header` JSON Schema keyword, e.g.
   * `Schema.String.annotations({ jsonSchema: { "x-mcp-header": "Region" } })`.
   */
  readonly headerParams: ReadonlyArray<HeaderParam>
  /** Whether calls may (or must) become tasks; `undefined` for ordinary tools. */
  readonly task: TaskSupport | undefined
  readonly taskDetach: "auto" | "manual"
  /** Decodes arguments with a decoder compiled when the tool was made. */
  readonly decode: (args: unknown) => Effect.Effect<unknown, string>
  /** Runs the handler on decoded arguments and shapes its result. */
  readonly run: (params: unknown) => Effect.Effect<McpSchema.CallToolResult, unknown, R | McpContext>
  /**
   * Set by registration: the services the handler needs (`R`), and the handler still needing
   * them. `run` is self-contained once registered; the dispatcher instead starts the request
   * fiber with `context` and calls `registered.run`, which saves a FiberRef change and restore
   * per call.
   */
  readonly registered: Registered | undefined
}

/**
 * A registered tool's handler with the services it needs, set by registration.
 *
 * @since 0.1.0
 * @category models
 */
export interface Registered {
  readonly context: Context.Context<never>
  readonly run: (params: unknown) => Effect.Effect<McpSchema.CallToolResult, unknown, unknown>
}

/**
 * A parameter mirrored into an `Mcp-Param-*` HTTP header: the header name and the parameter's path.
 *
 * @since 0.1.0
 * @category models
 */
export interface HeaderParam {
  readonly header: string
  readonly path: ReadonlyArray<string>
}

/**
 * A declared tool waiting for its handler.
 *
 * @since 0.1.0
 * @category models
 */
export interface Builder<P extends Parameters, S extends Schema.Schema.AnyNoContext | undefined> {
  readonly handle: <E, R>(
    handler: (params: ParametersType<P>) => Effect.Effect<SuccessType<S>, E, R>
  ) => Tool<Exclude<R, McpContext>>
}

/**
 * Declares a tool; `.handle(...)` gives it a handler.
 *
 * @example
 * import { Effect, Schema } from "effect"
 * import { Tool } from "turbomcp-server"
 *
 * const Add = Tool.make("add", {
 *   description: "Add two numbers",
 *   parameters: { a: Schema.Number, b: Schema.Number },
 *   success: Schema.Struct({ result: Schema.Number })
 * }).handle(({ a, b }) => Effect.succeed({ result: a + b }))
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: <P extends Parameters = {}, S extends Schema.Schema.AnyNoContext | undefined = undefined>(
  name: string,
  options?: Options<P, S>
) => Builder<P, S> = internal.make

/**
 * A text content block.
 *
 * @since 0.1.0
 * @category constructors
 */
export const text = (text: string): McpSchema.Content => ({ type: "text", text })

/**
 * A failed result the model can read (`isError: true`), as opposed to a protocol error.
 *
 * @since 0.1.0
 * @category constructors
 */
export const error = (message: string): McpSchema.CallToolResult => ({
  content: [{ type: "text", text: message }],
  isError: true
})
