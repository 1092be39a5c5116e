/**
 * @internal
 * Bounded previews of client values, for error messages and log lines: a client controls these
 * values, so neither their size nor their depth may reach a formatter whole (a 4 MB string
 * echoed into an error, or a deeply nested array that overflows a recursive printer).
 */
import * as ParseResult from "effect/ParseResult"

const MAX_STRING = 80
const MAX_ITEMS = 5
const MAX_DEPTH = 3
const MAX_ISSUES = 10
const MAX_MESSAGE = 2_000

/** @internal A string cut to `max` characters, marked when cut. */
export const truncate = (text: string, max: number = MAX_STRING): string =>
  text.length <= max ? text : `${text.slice(0, max)}… (${text.length} chars)`

/**
 * @internal
 * A small copy of `value` that any formatter can print: strings cut, arrays and objects cut to
 * a few entries, nesting cut at a few levels. Never throws (getters and proxies are not read).
 */
export const bounded = (value: unknown, depth: number = 0): unknown => {
  if (typeof value === "string") return truncate(value)
  if (typeof value !== "object" || value === null) return value
  if (depth >= MAX_DEPTH) return Array.isArray(value) ? "[…]" : "{…}"
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_ITEMS).map((item) => bounded(item, depth + 1))
    if (value.length > MAX_ITEMS) items.push(`… ${value.length - MAX_ITEMS} more`)
    return items
  }
  const out: Record<string, unknown> = {}
  let count = 0
  for (const key of Object.keys(value)) {
    if (count === MAX_ITEMS) {
      out["…"] = "more keys"
      break
    }
    const descriptor = Object.getOwnPropertyDescriptor(value, key)
    out[truncate(key)] = descriptor !== undefined && "value" in descriptor ? bounded(descriptor.value, depth + 1) : "<getter>"
    count++
  }
  return out
}

/** @internal A one-line preview of a client value, at most `max` characters. */
export const preview = (value: unknown, max: number = MAX_STRING): string => {
  if (typeof value === "string") return JSON.stringify(truncate(value, max))
  let text: string
  try {
    text = JSON.stringify(bounded(value)) ?? String(value)
  } catch {
    text = Object.prototype.toString.call(value)
  }
  return truncate(text, max)
}

const boundKey = (key: PropertyKey): PropertyKey => typeof key === "string" ? truncate(key) : key

// The issue tree with every client value replaced by its bounded copy and long lists of issues
// cut, so the formatter's output stays small whatever the input was.
const boundIssue = (issue: ParseResult.ParseIssue): ParseResult.ParseIssue => {
  switch (issue._tag) {
    case "Type":
      return new ParseResult.Type(issue.ast, bounded(issue.actual), issue.message)
    case "Forbidden":
      return new ParseResult.Forbidden(issue.ast, bounded(issue.actual), issue.message)
    case "Unexpected":
      return new ParseResult.Unexpected(bounded(issue.actual), issue.message)
    case "Missing":
      return issue
    case "Pointer": {
      const path: ParseResult.Path = Array.isArray(issue.path)
        ? issue.path.map(boundKey) as unknown as ParseResult.Path
        : boundKey(issue.path as PropertyKey)
      return new ParseResult.Pointer(path, bounded(issue.actual), boundIssue(issue.issue))
    }
    case "Refinement":
      return new ParseResult.Refinement(issue.ast, bounded(issue.actual), issue.kind, boundIssue(issue.issue))
    case "Transformation":
      return new ParseResult.Transformation(issue.ast, bounded(issue.actual), issue.kind, boundIssue(issue.issue))
    case "Composite": {
      const issues = Array.isArray(issue.issues)
        ? issue.issues.slice(0, MAX_ISSUES).map(boundIssue) as [ParseResult.ParseIssue, ...Array<ParseResult.ParseIssue>]
        : boundIssue(issue.issues as ParseResult.ParseIssue)
      return new ParseResult.Composite(issue.ast, bounded(issue.actual), issues, issue.output)
    }
  }
}

/**
 * @internal
 * `TreeFormatter.formatErrorSync`, over bounded values: at most ten issues per level and
 * `MAX_MESSAGE` characters in all. A formatter failure (it should not happen on bounded
 * values) still yields a message.
 */
export const formatParseError = (error: ParseResult.ParseError): string => {
  try {
    return truncate(ParseResult.TreeFormatter.formatIssueSync(boundIssue(error.issue)), MAX_MESSAGE)
  } catch {
    return "the value does not match the schema"
  }
}
