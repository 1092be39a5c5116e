// The package's exports map, resolved by Node itself through the package's self-reference
// ("turbomcp-server" from inside this package). No build is needed: Node refuses a blocked
// subpath with ERR_PACKAGE_PATH_NOT_EXPORTED before it looks for the file, and an exported
// subpath whose file is not built yet fails later, with MODULE_NOT_FOUND.
//
// Node ignores pattern keys with more than one `*` (so `"./*/internal/*": null` would block
// nothing): each area's internals have their own null entry, which wins over `"./*"` because
// Node picks the pattern with the longest prefix before the `*`.
import { execFile } from "node:child_process"
import * as fs from "node:fs"
import { createRequire } from "node:module"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"

const ROOT = fileURLToPath(new URL("../../", import.meta.url))
const SRC = path.join(ROOT, "src")
const require = createRequire(path.join(ROOT, "package.json"))

/** What Node's resolver says of a specifier: resolved, or the error code it threw. */
const resolution = (specifier: string): string => {
  try {
    require.resolve(specifier)
    return "resolved"
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? String(error)
  }
}

const areas = fs.readdirSync(SRC, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name)
const modulesOf = (dir: string, publicOnly: boolean) =>
  fs.existsSync(dir)
    ? fs.readdirSync(dir).filter((f) => f.endsWith(".ts") && (!publicOnly || /^[A-Z]/.test(f))).map((f) => f.slice(0, -3))
    : []

describe("package.json exports", () => {
  it("blocks every internal module, with or without its extension", () => {
    const internals = areas.flatMap((area) =>
      modulesOf(path.join(SRC, area, "internal"), false).map((name) => `${area}/internal/${name}`)
    )
    expect(internals).toContain("server/internal/dispatcher")
    expect(internals).toContain("transport/internal/stdio")
    for (const subpath of internals) {
      expect([subpath, resolution(`turbomcp-server/${subpath}`)]).toEqual([subpath, "ERR_PACKAGE_PATH_NOT_EXPORTED"])
      expect([subpath, resolution(`turbomcp-server/${subpath}.js`)]).toEqual([subpath, "ERR_PACKAGE_PATH_NOT_EXPORTED"])
    }
  })

  it("exports every public module (its file may not be built yet)", () => {
    const modules = areas.flatMap((area) => modulesOf(path.join(SRC, area), true).map((name) => `${area}/${name}`))
    expect(modules).toContain("transport/Http")
    for (const subpath of modules) {
      expect(["resolved", "MODULE_NOT_FOUND"], subpath).toContain(resolution(`turbomcp-server/${subpath}`))
    }
    expect(["resolved", "MODULE_NOT_FOUND"]).toContain(resolution("turbomcp-server"))
    expect(["resolved", "MODULE_NOT_FOUND"]).toContain(resolution("turbomcp-server/testing"))
  })

  it("the ESM resolver agrees (a child node, as a consumer's import would resolve)", async () => {
    const script = `
      const out = {}
      for (const s of ["turbomcp-server/server/internal/dispatcher", "turbomcp-server/transport/internal/stdio.js",
                       "turbomcp-server/transport/Http"]) {
        try { import.meta.resolve(s); out[s] = "resolved" } catch (e) { out[s] = e.code }
      }
      console.log(JSON.stringify(out))`
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, ["--input-type=module", "-e", script], { cwd: ROOT }, (error, out) =>
        error ? reject(error) : resolve(out))
    )
    expect(JSON.parse(stdout)).toEqual({
      "turbomcp-server/server/internal/dispatcher": "ERR_PACKAGE_PATH_NOT_EXPORTED",
      "turbomcp-server/transport/internal/stdio.js": "ERR_PACKAGE_PATH_NOT_EXPORTED",
      // import.meta.resolve maps the subpath without checking that dist/ holds the file.
      "turbomcp-server/transport/Http": "resolved"
    })
  })

  it("every area with internals has its null entry", () => {
    const exportsMap = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).exports
    for (const area of areas.filter((a) => fs.existsSync(path.join(SRC, a, "internal")))) {
      expect([area, exportsMap[`./${area}/internal/*`]]).toEqual([area, null])
    }
  })
})
