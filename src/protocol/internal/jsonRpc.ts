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
export const defaultLimits: JsonRpc.Limits = {
  maxDepth: 64,
  maxStringLength: 1_048_576,
  maxArrayLength: 100_000,
  maxBatchSize: 100
}

const tooLong = (limits: JsonRpc.Limits, length: number) =>
  `a string of ${length} characters exceeds the limit of ${limits.maxStringLength}`

/**
 * @internal
 * The first bound `json` breaks, or `undefined`. Iterative, so that no nesting depth can
 * overflow the stack; on the hot path a tools/call visits a handful of nodes.
 */
export const exceeds = (json: unknown, limits: JsonRpc.Limits): string | undefined => {
  if (typeof json === "string") return json.length > limits.maxStringLength ? tooLong(limits, json.length) : undefined
  if (typeof json !== "object" || json === null) return undefined
  const values: Array<object> = [json]
  const depths: Array<number> = [1]
  while (values.length > 0) {
    const value = values.pop()!
    const depth = depths.pop()!
    if (depth > limits.maxDepth) return `the message nests deeper than ${limits.maxDepth} levels`
    if (Array.isArray(value)) {
      if (value.length > limits.maxArrayLength) {
        return `an array of ${value.length} items exceeds the limit of ${limits.maxArrayLength}`
      }
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i]
        if (typeof item === "string") {
          if (item.length > limits.maxStringLength) return tooLong(limits, item.length)
        } else if (typeof item === "object" && item !== null) {
          values.push(item)
          depths.push(depth + 1)
        }
      }
      continue
    }
    let keys = 0
    for (const key in value) {
      if (++keys > limits.maxArrayLength) return `an object with more than ${limits.maxArrayLength} keys exceeds the limit`
      if (key.length > limits.maxStringLength) return tooLong(limits, key.length)
      const item: unknown = (value as Record<string, unknown>)[key]
      if (typeof item === "string") {
        if (item.length > limits.maxStringLength) return tooLong(limits, item.length)
      } else if (typeof item === "object" && item !== null) {
        values.push(item)
        depths.push(depth + 1)
      }
    }
  }
  return undefined
}

/** @internal */
export const fromJson = (
  json: unknown,
  limits: JsonRpc.Limits = defaultLimits
): Either.Either<JsonRpc.Decoded, JsonRpc.Invalid> => {
  const violation = exceeds(json, limits)
  if (violation !== undefined) {
    // The id is echoed when it is readable, so the client can match the error to its request.
    const id = isObject(json) ? readId(json.id) : undefined
    return Either.left(invalid(id === false || id === undefined ? null : id, -32600, `Invalid Request: ${violation}`))
  }
  if (Array.isArray(json)) {
    if (json.length === 0) return Either.left(invalid(null, -32600, "Invalid Request: empty batch"))
    if (json.length > limits.maxBatchSize) {
      return Either.left(
        invalid(null, -32600, `Invalid Request: a batch of ${json.length} messages exceeds the limit of ${limits.maxBatchSize}`)
      )
    }
    return Either.right({ _tag: "Batch", items: json.map(classify) })
  }
  return Either.map(classify(json), (message) => ({ _tag: "Single", message }) as const)
}

/** @internal */
export const decode = (
  text: string,
  limits: JsonRpc.Limits = defaultLimits
): Either.Either<JsonRpc.Decoded, JsonRpc.Invalid> => {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    // Also a nesting so deep that the parser itself gives up.
    return Either.left(invalid(null, -32700, "Parse error: the message is not valid JSON"))
  }
  return fromJson(json, limits)
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
