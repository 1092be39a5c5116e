// Every exported declaration of a public module (src/<area>/<Module>.ts, not internal/) has a
// JSDoc whose first paragraph is a summary, not only tags (STYLE.md §9). TypeScript 7 ships no
// JS compiler API, so declarations are found line by line: a top-level `export const|function|
// class|interface|type|enum|declare ...`, or a specifier inside a top-level `export { ... }`, and
// the `/** ... */` block right above it.
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"

const SRC = fileURLToPath(new URL("../../src/", import.meta.url))

const publicModules = (): ReadonlyArray<string> =>
  fs.readdirSync(SRC, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .flatMap((area) =>
      fs.readdirSync(path.join(SRC, area.name))
        .filter((f) => /^[A-Z][A-Za-z0-9]*\.ts$/.test(f))
        .map((f) => path.join(area.name, f))
    )

const declaration =
  /^export\s+(?:declare\s+)?(?:abstract\s+)?(?:async\s+)?(?:const|let|function\*?|class|interface|type|enum|namespace)\s+([A-Za-z_$][\w$]*)/

/** The JSDoc block ending on the line above `index` (blank lines in between are allowed), if any. */
const jsdocAbove = (lines: ReadonlyArray<string>, index: number): string | undefined => {
  let end = index - 1
  while (end >= 0 && lines[end].trim() === "") end--
  if (end < 0 || !lines[end].trim().endsWith("*/")) return undefined
  let start = end
  while (start >= 0 && !lines[start].trim().startsWith("/**")) {
    if (start < end && lines[start].trim().endsWith("*/")) return undefined // another comment's end
    start--
  }
  return start < 0 ? undefined : lines.slice(start, end + 1).join("\n")
}

/** The text before the first `@tag`, without the comment's markers. */
const summaryOf = (jsdoc: string): string =>
  jsdoc
    .replace(/^\s*\/\*\*/, "")
    .replace(/\*\/\s*$/, "")
    .split("\n")
    .map((line) => line.replace(/^\s*\*\s?/, "").trim())
    .join("\n")
    .split(/(^|\n)@/)[0]
    .trim()

/** `file:line name` of every exported declaration without a summary. */
const undocumented = (file: string): ReadonlyArray<string> => {
  const lines = fs.readFileSync(path.join(SRC, file), "utf8").split("\n")
  const missing: Array<string> = []
  const seen = new Set<string>()
  const check = (index: number, name: string) => {
    const doc = jsdocAbove(lines, index)
    if (doc === undefined || summaryOf(doc) === "") missing.push(`${file}:${index + 1} ${name}`)
  }
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    const match = declaration.exec(line)
    if (match !== null) {
      // An overloaded function's later signatures share the first one's documentation.
      const key = `${/(interface|type)\s+\S+$/.test(match[0]) ? "type" : "value"} ${match[1]}`
      if (!seen.has(key)) check(i, match[1])
      seen.add(key)
      continue
    }
    if (/^export\s+(type\s+)?\{/.test(line) && !/\}\s*from\s/.test(line)) {
      // `export { a, b as c }`: each specifier on its own line, documented in place.
      for (i++; i < lines.length && !lines[i].startsWith("}"); i++) {
        const specifier = /^\s*(?:type\s+)?([A-Za-z_$][\w$]*)(?:\s+as\s+([A-Za-z_$][\w$]*))?\s*,?\s*$/.exec(lines[i])
        if (specifier !== null) check(i, specifier[2] ?? specifier[1])
      }
    }
  }
  return missing
}

describe("JSDoc of public modules", () => {
  it("finds the public modules and their declarations", () => {
    const modules = publicModules()
    expect(modules).toContain(path.join("transport", "Http.ts"))
    expect(modules.some((m) => m.includes("internal"))).toBe(false)
    expect(summaryOf("/**\n * A summary.\n *\n * @since 0.1.0\n */")).toBe("A summary.")
    expect(summaryOf("/**\n * @since 0.1.0\n * @category models\n */")).toBe("")
    expect(summaryOf("/** @since 0.1.0 */")).toBe("")
  })

  it("every exported declaration has a summary line, not only tags", () => {
    expect(publicModules().flatMap(undocumented)).toEqual([])
  })
})
