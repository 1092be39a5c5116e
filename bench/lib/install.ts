/** Installs the peers into bench/ (and bench/peers-node24/) when their node_modules is missing. */
import { spawnSync } from "node:child_process"
import { existsSync } from "node:fs"
import { join, relative } from "node:path"
import { PEER_FOLDERS, ROOT_DIR, hasNodeModules } from "./paths.ts"

export const ensureInstalled = (folders: ReadonlyArray<string> = PEER_FOLDERS): void => {
  for (const folder of folders) {
    if (hasNodeModules(folder)) continue
    const command = existsSync(join(folder, "package-lock.json")) ? "ci" : "install"
    const where = relative(ROOT_DIR, folder) || "."
    console.log(`bench: npm ${command} in ${where} (first run) ...`)
    const result = spawnSync("npm", [command, "--no-audit", "--no-fund", "--loglevel=error"], {
      cwd: folder,
      stdio: "inherit",
      env: process.env
    })
    if (result.status !== 0) {
      throw new Error(`npm ${command} failed in ${where} (exit ${result.status ?? result.signal})`)
    }
  }
}
