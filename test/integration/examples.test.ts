// Every code block in the README is an example program, and the examples run here.
import { Client } from "@modelcontextprotocol/sdk/client/index.js"
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js"
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js"
import * as jose from "jose"
import { readFileSync } from "node:fs"
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { baseEnv, freePort, nodeCommand, ROOT, spawnTs, waitForHttp } from "../utils/process.js"

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

describe("examples/auth.ts", () => {
  it("serves per-user notes to bearer tokens from a JWKS, challenges the rest, and rate-limits each user", async () => {
    const keys = await jose.generateKeyPair("ES256")
    const jwk = { ...(await jose.exportJWK(keys.publicKey)), kid: "example", alg: "ES256" }
    const jwks = http.createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" })
      res.end(JSON.stringify({ keys: [jwk] }))
    })
    await new Promise<void>((resolve) => jwks.listen(0, "127.0.0.1", resolve))
    const port = await freePort()
    const url = `http://127.0.0.1:${port}/mcp`
    const issuer = "https://auth.example.com"
    const child = spawnTs("examples/auth.ts", {
      PORT: String(port),
      ISSUER: issuer,
      JWKS_URL: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks`,
      RATE_LIMIT: "3"
    })
    const token = (sub: string, scope = "notes") =>
      new jose.SignJWT({ scope }).setProtectedHeader({ alg: "ES256", kid: "example" }).setSubject(sub)
        .setIssuer(issuer).setAudience(url).setExpirationTime("5 minutes").sign(keys.privateKey)
    const connect = async (sub: string) => {
      const client = new Client({ name: sub, version: "1.0.0" })
      await client.connect(
        new StreamableHTTPClientTransport(new URL(url), {
          requestInit: { headers: { authorization: `Bearer ${await token(sub)}` } }
        })
      )
      return client
    }
    try {
      await waitForHttp(url, 60_000, child)
      const denied = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" })
      })
      expect(denied.status).toBe(401)
      expect(denied.headers.get("www-authenticate")).toContain(
        `resource_metadata="http://127.0.0.1:${port}/.well-known/oauth-protected-resource/mcp"`
      )
      const metadata = await (await fetch(`http://127.0.0.1:${port}/.well-known/oauth-protected-resource/mcp`)).json()
      expect(metadata).toMatchObject({ resource: url, authorization_servers: [issuer], scopes_supported: ["notes"] })

      const alice = await connect("alice")
      const bob = await connect("bob")
      expect((await alice.callTool({ name: "whoami", arguments: {} })).structuredContent).toEqual({
        subject: "alice",
        scopes: ["notes"]
      })
      expect((await alice.callTool({ name: "add_note", arguments: { text: "buy milk" } })).content).toEqual([
        { type: "text", text: "1 note(s) for alice" }
      ])
      expect((await bob.callTool({ name: "list_notes", arguments: {} })).structuredContent).toEqual({ notes: [] })
      expect((await alice.callTool({ name: "list_notes", arguments: {} })).structuredContent).toEqual({
        notes: ["buy milk"]
      })
      // Alice's fourth call in the minute is over RATE_LIMIT=3; Bob still has budget.
      await expect(alice.callTool({ name: "whoami", arguments: {} })).rejects.toThrow(/Rate limit exceeded/)
      expect((await bob.callTool({ name: "whoami", arguments: {} })).structuredContent).toMatchObject({ subject: "bob" })
      await Promise.all([alice.close(), bob.close()])
    } finally {
      await child.stop()
      await new Promise<void>((resolve) => jwks.close(() => resolve()))
    }
  }, 90_000)
})
