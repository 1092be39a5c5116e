/**
 * Ahead-of-time compilation of the contenders (the default launch): each entry is
 * bundled by esbuild with its own TypeScript sources inlined and every npm package
 * left external, so the process runs plain `node file.mjs` against the same
 * node_modules it would use under tsx, without loader hooks. tsx's hooks handle every
 * module a process imports and roughly double the start-up of module-heavy servers
 * (measured on this machine: our demo 4.6 s CPU under tsx, 1.8 s compiled), which
 * would make scenario 6 a measure of tsx. bundleContender (below) is scenario 6's second
 * build: the HTTP entry with its packages bundled too, one file.
 */
import { mkdirSync, rmSync, statSync, symlinkSync } from "node:fs"
import { isBuiltin } from "node:module"
import { basename, join, relative } from "node:path"
import { performance } from "node:perf_hooks"
import * as esbuild from "esbuild"
import type { Contender } from "./contenders.ts"
import { BENCH_DIR, ROOT_DIR } from "./paths.ts"

/** Compiles the contender's entries (http and stdio) and returns script -> built file. */
export const compileContender = async (contender: Contender): Promise<ReadonlyMap<string, string>> => {
  const target = contender.build
  const scripts = [...new Set([contender.http?.script, contender.stdio?.script].filter((s): s is string => s !== undefined))]
  mkdirSync(target.outDir, { recursive: true })
  if (target.nodeModules !== undefined) {
    // Externals must resolve from the contender's own node_modules (ours: the root's).
    const link = join(target.outDir, "node_modules")
    rmSync(link, { force: true, recursive: true })
    symlinkSync(target.nodeModules, link, "dir")
  }
  const built = new Map<string, string>()
  for (const script of scripts) {
    const outfile = join(target.outDir, `${basename(script).replace(/\.ts$/, "")}.mjs`)
    await esbuild.build({
      entryPoints: [script],
      outfile,
      bundle: true,
      packages: "external",
      format: "esm",
      platform: "node",
      target: target.node,
      logLevel: "silent",
      ...(target.tsconfig === undefined ? {} : { tsconfig: target.tsconfig })
    })
    built.set(script, outfile)
  }
  return built
}

/**
 * Scenario 6's second build: the contender's HTTP entry with every dependency bundled
 * into one ESM file (what a production deployment that bundles runs), so start-up loads
 * one file instead of hundreds of modules from node_modules. Only `build.bundleExternal`
 * stays external (optional peers that are not installed, native addons). The banner gives
 * bundled CommonJS a `require` for node built-ins; createRequire is imported under a name
 * no bundled module uses, so esbuild's own imports of node:module cannot collide with it.
 * Output: bench/.build/<id>-bundled/, with a node_modules link to the contender's packages
 * so that the few externals resolve as they would unbundled.
 */
export interface Bundle {
  readonly file: string
  readonly bytes: number
  /** esbuild wall time. */
  readonly ms: number
  /** Packages marked external (`build.bundleExternal`). */
  readonly external: ReadonlyArray<string>
  /**
   * Every import of a package (not a node built-in) the file still makes at run time,
   * from esbuild's metafile: the marked ones, plus optional `require`s inside try/catch
   * that esbuild leaves alone when they do not resolve (ws's native `bufferutil`,
   * `utf-8-validate`). `node:` imports count as built-ins even when this Node lacks them
   * (`node:sqlite` on Node 20, required lazily inside the Effect 3 bundle).
   */
  readonly unbundled: ReadonlyArray<string>
}

/** Why a bundle failed: the first esbuild error, with its location, and how many more. */
export const bundleFailure = (error: unknown): string => {
  const errors = (error as { errors?: ReadonlyArray<esbuild.Message> }).errors
  if (errors === undefined || errors.length === 0) return (error instanceof Error ? error.message : String(error)).split("\n")[0]
  const [first] = errors
  const where = first.location === null ? "" : `${relative(ROOT_DIR, first.location.file) || first.location.file}:${first.location.line}: `
  return `${where}${first.text}${errors.length > 1 ? ` (and ${errors.length - 1} more errors)` : ""}`
}

export const bundleContender = async (contender: Contender): Promise<Bundle> => {
  const script = contender.http?.script
  if (script === undefined) throw new Error("no HTTP program")
  const target = contender.build
  const outDir = join(BENCH_DIR, ".build", `${contender.id}-bundled`)
  rmSync(outDir, { force: true, recursive: true })
  mkdirSync(outDir, { recursive: true })
  symlinkSync(target.nodeModules ?? join(contender.cwd, "node_modules"), join(outDir, "node_modules"), "dir")
  const file = join(outDir, `${basename(script).replace(/\.ts$/, "")}.mjs`)
  const external = [...(target.bundleExternal ?? [])]
  const start = performance.now()
  const result = await esbuild.build({
    entryPoints: [script],
    outfile: file,
    bundle: true,
    metafile: true,
    format: "esm",
    platform: "node",
    target: target.node,
    external,
    banner: {
      js: "import { createRequire as __benchCreateRequire } from 'node:module'; const require = __benchCreateRequire(import.meta.url);"
    },
    logLevel: "silent",
    ...(target.tsconfig === undefined ? {} : { tsconfig: target.tsconfig })
  })
  const ms = performance.now() - start
  const unbundled = [
    ...new Set(
      Object.values(result.metafile.outputs)
        .flatMap((output) => output.imports)
        .filter((i) => i.external && !isBuiltin(i.path) && !i.path.startsWith("node:"))
        .map((i) => i.path)
    )
  ].sort()
  return { file, bytes: statSync(file).size, ms, external, unbundled }
}
