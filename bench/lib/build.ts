/**
 * Ahead-of-time compilation of the contenders (the default launch): each entry is
 * bundled by esbuild with its own TypeScript sources inlined and every npm package
 * left external, so the process runs plain `node file.mjs` against the same
 * node_modules it would use under tsx, without loader hooks. tsx's hooks handle every
 * module a process imports and roughly double the start-up of module-heavy servers
 * (measured on this machine: our demo 4.6 s CPU under tsx, 1.8 s compiled), which
 * would make scenario 6 a measure of tsx.
 */
import { mkdirSync, rmSync, symlinkSync } from "node:fs"
import { basename, join } from "node:path"
import * as esbuild from "esbuild"
import type { Contender } from "./contenders.ts"

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
