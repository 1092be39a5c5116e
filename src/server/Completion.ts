/**
 * Argument completion for prompts and resource template variables.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import type * as McpSchema from "../protocol/McpSchema.js"

/**
 * Given the partial value and the other arguments already chosen, proposes values.
 *
 * @since 0.1.0
 * @category models
 */
export type Completer<R = never> = (
  value: string,
  context: Readonly<Record<string, string>>
) => Effect.Effect<ReadonlyArray<string> | McpSchema.CompleteResult, never, R>

/**
 * The spec caps a completion answer at 100 values.
 *
 * @since 0.1.0
 * @category constants
 */
export const maxValues = 100

/**
 * Normalizes a completer's answer to the wire shape.
 *
 * @since 0.1.0
 * @category conversions
 */
export const toResult = (answer: ReadonlyArray<string> | McpSchema.CompleteResult): McpSchema.CompleteResult => {
  if (!Array.isArray(answer)) {
    const result = answer as McpSchema.CompleteResult
    return result.values.length <= maxValues ? result : { ...result, values: result.values.slice(0, maxValues), hasMore: true }
  }
  const values = answer as ReadonlyArray<string>
  return values.length <= maxValues
    ? { values, total: values.length, hasMore: false }
    : { values: values.slice(0, maxValues), total: values.length, hasMore: true }
}

/**
 * A completer over a fixed list: the values starting with what the user typed.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromList = (values: ReadonlyArray<string>): Completer => (value) => {
  const prefix = value.toLowerCase()
  return Effect.succeed(values.filter((v) => v.toLowerCase().startsWith(prefix)))
}
