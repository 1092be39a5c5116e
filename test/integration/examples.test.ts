// Every code block in the README is an example program, and the examples run here.
import { Client } from "@modelcontextprotocol/sdk/client/index.js"
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { baseEnv, nodeCommand, ROOT } from "../utils/process.js"

describe("README", () => {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8")
  const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!)

  it("has code blocks", () => {
    expect(blocks.length).toBeGreaterThan(0)
  })

  it.each(blocks.map((block, i) => [i, block] as const))("block %i is an example file, verbatim", (_, block) => {
    const first = block.split("\n")[0]!
    const match = /^\/\/ (examples\/\S+\.ts)/.exec(first)
    expect(match, `a README ts block must start with "// examples/<file>.ts": ${first}`).not.toBeNull()
    expect(readFileSync(join(ROOT, match![1]!), "utf8")).toBe(block)
  })
})

describe("examples/quickstart.ts", () => {
  it("serves its tool over stdio to the official SDK client", async () => {
    const { args, command } = nodeCommand("examples/quickstart.ts")
    const transport = new StdioClientTransport({ command, args: [...args, "--stdio"], cwd: ROOT, env: baseEnv(), stderr: "pipe" })
    const client = new Client({ name: "quickstart-test", version: "1.0.0" })
    await client.connect(transport)
    try {
      const { tools } = await client.listTools()
      expect(tools.map((t) => t.name)).toEqual(["add"])
      const result = await client.callTool({ name: "add", arguments: { a: 2, b: 3 } })
      expect(result.structuredContent).toEqual({ result: 5 })
    } finally {
      await client.close()
    }
  })
})

describe("examples/testing.ts", () => {
  it("passes its own in-memory check", async () => {
    const { execFile } = await import("node:child_process")
    const { args, command } = nodeCommand("examples/testing.ts")
    const output = await new Promise<string>((resolve, reject) =>
      execFile(command, args, { cwd: ROOT, env: baseEnv(), timeout: 60_000 }, (error, stdout, stderr) =>
        error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout + stderr))
    )
    expect(output).toContain("Sunny in Lisbon")
  })
})
