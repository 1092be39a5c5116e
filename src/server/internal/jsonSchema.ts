/** @internal */
import * as JSONSchema from "effect/JSONSchema"
import type * as Schema from "effect/Schema"
import * as SchemaAST from "effect/SchemaAST"

// MCP wants the object schema inline at the top level, in JSON Schema 2020-12 (the
// 2025-11-25 default dialect): skip the top-level $ref and keep `$defs` only when a schema
// with an identifier produced any. `fromAST` emits no dialect marker of its own, so a
// `$schema` in the output comes from the user's `jsonSchema` annotation and is kept: a tool
// that declares its schema verbatim (SEP-1613) must reach clients unmodified.
/** @internal */
export const objectJsonSchema = (schema: Schema.Schema<any, any, any>): Record<string, unknown> => {
  const ast = SchemaAST.encodedAST(schema.ast)
  if (SchemaAST.isTypeLiteral(ast) && ast.propertySignatures.length === 0 && ast.indexSignatures.length === 0) {
    return { type: "object", properties: {} }
  }
  const definitions: Record<string, JSONSchema.JsonSchema7> = {}
  const json = JSONSchema.fromAST(schema.ast, {
    definitions,
    target: "jsonSchema2020-12",
    topLevelReferenceStrategy: "skip"
  }) as unknown as Record<string, unknown>
  const rest = { ...json }
  if (Object.keys(definitions).length > 0) rest.$defs = definitions
  if (rest.type === undefined && rest.$ref === undefined && rest.anyOf === undefined) rest.type = "object"
  return rest
}
