/**
 * The contenders. Each is a program started as `node --import tsx <script>` (a fresh
 * process per scenario), configured by environment only:
 *   PORT, HOST=127.0.0.1, MCP_STATELESS=1 (stateless scenario), BENCH_TOOLS=1000 (tools/list).
 */
import { existsSync } from "node:fs"
import { join, relative } from "node:path"
import type { Dialect } from "./mcp.ts"
import { BENCH_DIR, NODE24_BIN, NODE24_DIR, PEERS_DIR, ROOT_DIR, hasNodeModules } from "./paths.ts"

const PEERS_BUILD = { outDir: join(BENCH_DIR, ".build", "peers"), node: "node20" } as const

export type Role = "ours" | "baseline" | "peer"

export interface Contender {
  readonly id: string
  /** Column title in the table. */
  readonly label: string
  readonly role: Role
  /** Working directory; `--import tsx` resolves from here. */
  readonly cwd: string
  /** The node binary. */
  readonly node: string
  readonly http?: {
    readonly script: string
    /** The request its stateless scenarios send: a 2025-era one, or a 2026-07-28 one. */
    readonly statelessDialect: Dialect
  }
  readonly stdio?: { readonly script: string; readonly args: ReadonlyArray<string> }
  /**
   * How lib/build.ts compiles its entries: output folder, esbuild target, tsconfig,
   * node_modules to link; and, for scenario 6's fully bundled build, the packages left
   * external because they cannot be bundled (optional peers that are not installed).
   */
  readonly build: {
    readonly outDir: string
    readonly node: "node20" | "node24"
    readonly tsconfig?: string
    readonly nodeModules?: string
    readonly bundleExternal?: ReadonlyArray<string>
  }
  /** Why it cannot run on this checkout (over this transport), if it cannot. */
  readonly unavailable: (transport?: "http" | "stdio") => string | undefined
}

const needs = (folder: string) => (): string | undefined =>
  hasNodeModules(folder) ? undefined : `${relative(ROOT_DIR, folder) || "."}/node_modules is absent (run npm install there)`

const peer = (
  id: string,
  label: string,
  file: string,
  options: { statelessDialect?: Dialect; stdio?: boolean; bundleExternal?: ReadonlyArray<string> } = {}
): Contender => ({
  id,
  label,
  role: "peer",
  cwd: BENCH_DIR,
  node: process.execPath,
  http: { script: join(PEERS_DIR, file), statelessDialect: options.statelessDialect ?? "legacy" },
  stdio: options.stdio === false ? undefined : { script: join(PEERS_DIR, file), args: ["--stdio"] },
  build: options.bundleExternal === undefined ? PEERS_BUILD : { ...PEERS_BUILD, bundleExternal: options.bundleExternal },
  unavailable: needs(BENCH_DIR)
})

const OURS_HTTP = join(ROOT_DIR, "examples", "demo", "http.ts")
const OURS_STDIO = join(ROOT_DIR, "examples", "demo", "stdio.ts")

export const ours = (dialect: Dialect): Contender => ({
  id: "ours",
  label: "ours",
  role: "ours",
  cwd: ROOT_DIR,
  node: process.execPath,
  http: { script: OURS_HTTP, statelessDialect: dialect },
  stdio: { script: OURS_STDIO, args: [] },
  // Bundled with the root tsconfig (its paths map turbomcp-server to src/); packages resolve
  // from the root node_modules through a link in the output folder.
  build: {
    outDir: join(BENCH_DIR, ".build", "ours"),
    node: "node20",
    tsconfig: join(ROOT_DIR, "tsconfig.json"),
    nodeModules: join(ROOT_DIR, "node_modules")
  },
  unavailable: (transport = "http") =>
    !existsSync(transport === "http" ? OURS_HTTP : OURS_STDIO)
      ? `not built yet (${relative(ROOT_DIR, transport === "http" ? OURS_HTTP : OURS_STDIO)} is missing)`
      : !hasNodeModules(ROOT_DIR)
      ? "node_modules is absent at the root (run npm install)"
      : undefined
})

const OURS_STACK = join(PEERS_DIR, "ours-stack.ts")

/**
 * Scenario 7's server: ours with the production layers named in `STACK` (see
 * peers/ours-stack.ts), HTTP only, built like ours (root tsconfig, root node_modules).
 */
export const oursStack = (dialect: Dialect): Contender => {
  const base = ours(dialect)
  return {
    ...base,
    id: "ours-stack",
    label: "ours (stack)",
    http: { script: OURS_STACK, statelessDialect: dialect },
    stdio: undefined,
    unavailable: (transport = "http") =>
      transport === "stdio"
        ? "no stdio program"
        : !existsSync(OURS_STACK)
        ? `${relative(ROOT_DIR, OURS_STACK)} is missing`
        : base.unavailable("http")
  }
}

/** The layers of scenario 7, in the order the variants add them one at a time (env STACK). */
export const STACK_LAYERS = ["metrics", "tracing", "ratelimit", "auth"] as const
export type StackLayer = (typeof STACK_LAYERS)[number]

export interface StackVariant {
  /** `bare`, `metrics`, ..., `full`. */
  readonly id: string
  /** Row title: `bare`, `+metrics`, ..., `full`. */
  readonly label: string
  readonly layers: ReadonlyArray<StackLayer>
}

export const STACK_VARIANTS: ReadonlyArray<StackVariant> = [
  { id: "bare", label: "bare", layers: [] },
  ...STACK_LAYERS.map((layer) => ({ id: layer, label: `+${layer}`, layers: [layer] })),
  { id: "full", label: "full", layers: STACK_LAYERS }
]

/** The environment that selects a variant's layers (credentials for auth come on top). */
export const stackEnv = (variant: StackVariant, port: number): Record<string, string> => ({
  ...httpEnv("stateless", port),
  STACK: variant.layers.join(",")
})

/** The URL the server calls itself (`resource`), which tokens must name in `aud`. */
export const stackResource = (port: number): string => `http://127.0.0.1:${port}/mcp`

export const plain: Contender = {
  id: "plain",
  label: "plain",
  role: "baseline",
  cwd: BENCH_DIR,
  node: process.execPath,
  http: { script: join(PEERS_DIR, "plain-http.ts"), statelessDialect: "legacy" },
  stdio: { script: join(PEERS_DIR, "plain-stdio.ts"), args: ["--stdio"] },
  build: PEERS_BUILD,
  unavailable: needs(BENCH_DIR)
}

export const effect4: Contender = {
  id: "effect4",
  label: "Effect 4",
  role: "peer",
  cwd: NODE24_DIR,
  node: NODE24_BIN,
  // It needs a session for every 2025-era request, so its stateless request is 2026-07-28.
  http: { script: join(NODE24_DIR, "effect4.ts"), statelessDialect: "modern" },
  stdio: { script: join(NODE24_DIR, "effect4.ts"), args: ["--stdio"] },
  build: { outDir: join(NODE24_DIR, ".build"), node: "node24" },
  unavailable: () => needs(NODE24_DIR)() ?? (existsSync(NODE24_BIN) ? undefined : "the pinned node 24 binary is absent")
}

/**
 * All contenders, in table order. `dialect` is the request that ours and SDK v2, which
 * serve both eras statelessly, get in the stateless scenarios (default: legacy, the one
 * every peer but Effect 4 can serve).
 */
export const contenders = (dialect: Dialect = "legacy"): ReadonlyArray<Contender> => {
  return [
    ours(dialect),
    plain,
    peer("sdk-v1", "SDK v1", "sdk-v1.ts"),
    peer("sdk-v2", "SDK v2", "sdk-v2.ts", { statelessDialect: dialect }),
    // xsschema (fastmcp's schema converter) imports a converter per schema library on demand;
    // two of those optional peers are not installed, so they cannot be bundled (zod's is).
    peer("fastmcp", "FastMCP", "fastmcp.ts", { bundleExternal: ["sury", "@valibot/to-json-schema"] }),
    peer("effect3", "Effect 3", "effect3.ts"),
    effect4
  ]
}

export type HttpMode = "stateless" | "session" | "list"

export const LIST_TOOLS = 1_000

export const httpEnv = (mode: HttpMode, port: number): Record<string, string> => ({
  PORT: String(port),
  HOST: "127.0.0.1",
  // Scenario 5 keeps 10,500 sessions open (warm-up included): above our default limit of 10,000.
  ...(mode === "session" ? { MCP_MAX_SESSIONS: "20000" } : { MCP_STATELESS: "1" }),
  ...(mode === "list" ? { BENCH_TOOLS: String(LIST_TOOLS) } : {})
})
