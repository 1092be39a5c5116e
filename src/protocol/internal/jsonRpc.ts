/** @internal */
import * as Either from "effect/Either"
import type * as JsonRpc from "../JsonRpc.js"

// Longest id we echo back; a larger one is an invalid request (never a crash or a huge echo).
const MAX_ID_LENGTH = 256

const invalid = (id: JsonRpc.RequestId | null, code: number, message: string): JsonRpc.Invalid => ({
  id,
  error: { code, message }
})

const isObject = (u: unknown): u is Record<string, unknown> =>
  typeof u === "object" && u !== null && !Array.isArray(u)

const readId = (u: unknown): JsonRpc.RequestId | undefined | false => {
  if (u === undefined) return undefined
  if (typeof u === "string") return u.length <= MAX_ID_LENGTH ? u : false
  if (typeof u === "number") return Number.isSafeInteger(u) ? u : false
  return false
}

/** @internal */
export const classify = (json: unknown): Either.Either<JsonRpc.Message, JsonRpc.Invalid> => {
  if (!isObject(json)) return Either.left(invalid(null, -32600, "Invalid Request: a JSON-RPC message must be an object"))
  const id = readId(json.id)
  if (id === false) {
    return Either.left(invalid(null, -32600, "Invalid Request: id must be a string (max 256 chars) or an integer"))
  }
  if (json.jsonrpc !== "2.0") return Either.left(invalid(id ?? null, -32600, "Invalid Request: jsonrpc must be \"2.0\""))
  const method = json.method
  if (method !== undefined) {
    if (typeof method !== "string" || method.length === 0) {
      return Either.left(invalid(id ?? null, -32600, "Invalid Request: method must be a non-empty string"))
    }
    const params = json.params
    if (params !== undefined && !isObject(params)) {
      return Either.left(invalid(id ?? null, -32600, "Invalid Request: params must be an object"))
    }
    if (id === undefined) {
      if ("id" in json) return Either.left(invalid(null, -32600, "Invalid Request: id must not be null"))
      return Either.right({ _tag: "Notification", method, params })
    }
    return Either.right({ _tag: "Request", id, method, params })
  }
  if (id !== undefined && ("result" in json || "error" in json)) {
    const error = json.error
    if (error !== undefined) {
      if (!isObject(error) || typeof error.code !== "number" || typeof error.message !== "string") {
        return Either.left(invalid(id, -32600, "Invalid Request: malformed error object"))
      }
      return Either.right({
        _tag: "Response",
        id,
        result: undefined,
        error: { code: error.code, message: error.message, data: error.data }
      })
    }
    return Either.right({ _tag: "Response", id, result: json.result, error: undefined })
  }
  return Either.left(invalid(id ?? null, -32600, "Invalid Request: missing method"))
}

/** @internal */
export const fromJson = (json: unknown): Either.Either<JsonRpc.Decoded, JsonRpc.Invalid> => {
  if (Array.isArray(json)) {
    if (json.length === 0) return Either.left(invalid(null, -32600, "Invalid Request: empty batch"))
    return Either.right({ _tag: "Batch", items: json.map(classify) })
  }
  return Either.map(classify(json), (message) => ({ _tag: "Single", message }) as const)
}

/** @internal */
export const decode = (text: string): Either.Either<JsonRpc.Decoded, JsonRpc.Invalid> => {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return Either.left(invalid(null, -32700, "Parse error: the message is not valid JSON"))
  }
  return fromJson(json)
}

const jsonText = Symbol.for("turbomcp/JsonText")

/**
 * @internal
 * Attaches `value`'s JSON text to it, for results served many times (list pages): the
 * response reuses the text instead of serializing again. The property is not enumerable, so
 * a result rebuilt from it (spread, mapped) loses it and is serialized as usual; results are
 * values and must not be changed in place.
 */
export const withJsonText = <A extends object>(value: A): A =>
  Object.defineProperty(value, jsonText, { value: JSON.stringify(value), enumerable: false })

/** @internal */
export const successText = (id: JsonRpc.RequestId, result: unknown): string => {
  const text = typeof result === "object" && result !== null
    ? (result as { readonly [jsonText]?: string })[jsonText]
    : undefined
  return `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"result":${text ?? JSON.stringify(result)}}`
}

/** @internal */
// MCP's schema makes the id optional on errors (never null), so an unknown id is left out.
export const errorText = (id: JsonRpc.RequestId | null, error: JsonRpc.ErrorObject): string =>
  id === null
    ? `{"jsonrpc":"2.0","error":${JSON.stringify(error)}}`
    : `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"error":${JSON.stringify(error)}}`

/** @internal */
export const notificationText = (method: string, params: unknown): string =>
  params === undefined
    ? `{"jsonrpc":"2.0","method":${JSON.stringify(method)}}`
    : `{"jsonrpc":"2.0","method":${JSON.stringify(method)},"params":${JSON.stringify(params)}}`

/** @internal */
export const requestText = (id: JsonRpc.RequestId, method: string, params: unknown): string =>
  params === undefined
    ? `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"method":${JSON.stringify(method)}}`
    : `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"method":${JSON.stringify(method)},"params":${JSON.stringify(params)}}`
