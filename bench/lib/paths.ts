import { existsSync } from "node:fs"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"

export const BENCH_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..")
export const ROOT_DIR = resolve(BENCH_DIR, "..")
export const PEERS_DIR = join(BENCH_DIR, "peers")
export const NODE24_DIR = join(BENCH_DIR, "peers-node24")
export const RESULTS_DIR = join(BENCH_DIR, "results")
export const NODE24_BIN = join(NODE24_DIR, "node_modules", "node", "bin", "node")

/** The folders whose `npm install` provides the peers, in install order. */
export const PEER_FOLDERS: ReadonlyArray<string> = [BENCH_DIR, NODE24_DIR]

export const hasNodeModules = (folder: string): boolean => existsSync(join(folder, "node_modules"))
