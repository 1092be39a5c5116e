/** @internal */
// A matcher for the RFC 6570 expressions resource templates use in practice:
// {var} (one path segment), {+var} and {#var} (reserved: may span segments),
// {/var}, {.var}, and {?a,b} / {&a,b} query expressions.

type Part =
  | { readonly _tag: "Literal"; readonly text: string }
  | { readonly _tag: "Expression"; readonly operator: string; readonly names: ReadonlyArray<string> }

const parse = (template: string): ReadonlyArray<Part> => {
  const parts: Array<Part> = []
  const re = /\{([+#./;?&]?)([^}]+)\}/g
  let last = 0
  for (let m = re.exec(template); m !== null; m = re.exec(template)) {
    if (m.index > last) parts.push({ _tag: "Literal", text: template.slice(last, m.index) })
    parts.push({ _tag: "Expression", operator: m[1]!, names: m[2]!.split(",").map((n) => n.replace(/[*]|:\d+$/g, "").trim()) })
    last = m.index + m[0].length
  }
  if (last < template.length) parts.push({ _tag: "Literal", text: template.slice(last) })
  return parts
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")

/** @internal */
export interface UriTemplate {
  readonly variableNames: ReadonlyArray<string>
  readonly match: (uri: string) => Record<string, string> | undefined
}

const decode = (s: string): string | undefined => {
  try {
    return decodeURIComponent(s)
  } catch {
    return undefined
  }
}

/** @internal */
export const compile = (template: string): UriTemplate => {
  const parts = parse(template)
  const groups: Array<{ readonly name: string; readonly query: boolean }> = []
  let source = "^"
  for (const part of parts) {
    if (part._tag === "Literal") {
      source += escape(part.text)
      continue
    }
    switch (part.operator) {
      case "?":
      case "&": {
        // Query parameters are matched by name afterwards; here they are only optional text.
        for (const name of part.names) groups.push({ name, query: true })
        source += "(?:[?&][^#]*)?"
        break
      }
      case "+":
      case "#": {
        for (const name of part.names) groups.push({ name, query: false })
        source += (part.operator === "#" ? "#" : "") + part.names.map(() => "(.*?)").join(",")
        break
      }
      default: {
        const prefix = part.operator === "" ? "" : escape(part.operator)
        for (const name of part.names) groups.push({ name, query: false })
        source += prefix + part.names.map(() => "([^/?#,]*)").join(",")
      }
    }
  }
  const regex = new RegExp(source + "$")
  const pathGroups = groups.filter((g) => !g.query)
  const queryNames = groups.filter((g) => g.query).map((g) => g.name)
  return {
    variableNames: groups.map((g) => g.name),
    match: (uri) => {
      const m = regex.exec(uri)
      if (m === null) return undefined
      const variables: Record<string, string> = {}
      for (let i = 0; i < pathGroups.length; i++) {
        const value = decode(m[i + 1] ?? "")
        if (value === undefined) return undefined
        variables[pathGroups[i]!.name] = value
      }
      if (queryNames.length > 0) {
        const q = uri.indexOf("?")
        if (q >= 0) {
          const params = new URLSearchParams(uri.slice(q + 1).split("#")[0])
          for (const name of queryNames) {
            const value = params.get(name)
            if (value !== null) variables[name] = value
          }
        }
      }
      return variables
    }
  }
}
