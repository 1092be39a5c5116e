// Auth.layerJwt on the Streamable HTTP transport, in process: keys generated per run, the JWKS
// served by a local node:http server, the official SDK client with a bearer token, and raw
// requests for the challenges.
import { HttpRouter, HttpServer } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { Client } from "@modelcontextprotocol/sdk/client/index.js"
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js"
import { Cause, Effect, Layer, Logger, LogLevel, ManagedRuntime, Schema } from "effect"
import * as jose from "jose"
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import { Auth, EventStore, Http, McpServer, Middleware, Tool } from "turbomcp-server"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { postHeaders } from "../utils/http.js"
import { delay } from "../utils/process.js"

const RESOURCE = "https://mcp.example.com/mcp"
const ISSUER = "https://auth.example.com"
const METADATA_PATH = "/.well-known/oauth-protected-resource/mcp"
const METADATA_URL = `https://mcp.example.com${METADATA_PATH}`
const MODERN = "2026-07-28"

const keys = await jose.generateKeyPair("ES256")
const otherKeys = await jose.generateKeyPair("ES256")
const publicJwk = { ...(await jose.exportJWK(keys.publicKey)), kid: "k1", alg: "ES256", use: "sig" }

// Every token this file makes, and every log line the server writes: no line may carry one.
const issued: Array<string> = []
const logLines: Array<string> = []
const CapturingLogger = Layer.mergeAll(
  Logger.replace(
    Logger.defaultLogger,
    Logger.make(({ annotations, cause, message }) => {
      const parts = [Array.isArray(message) ? message.join(" ") : String(message), Cause.pretty(cause)]
      for (const [key, value] of annotations) parts.push(`${key}=${String(value)}`)
      logLines.push(parts.join(" "))
    })
  ),
  Logger.minimumLogLevel(LogLevel.Debug)
)

const sign = async (
  claims: { sub?: string; aud?: string; scope?: string; expInSeconds?: number } = {},
  key: jose.CryptoKey = keys.privateKey
) => {
  const token = await signRaw(claims, key)
  issued.push(token)
  return token
}

const signRaw = (
  claims: { sub?: string; aud?: string; scope?: string; expInSeconds?: number },
  key: jose.CryptoKey
) =>
  new jose.SignJWT({ scope: claims.scope ?? "mcp:tools" })
    .setProtectedHeader({ alg: "ES256", kid: "k1" })
    .setSubject(claims.sub ?? "alice")
    .setAudience(claims.aud ?? RESOURCE)
    .setIssuer(ISSUER)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + (claims.expInSeconds ?? 3600))
    .sign(key)

const WhoAmI = Tool.make("whoami", { description: "The caller's subject and scopes" }).handle(() =>
  Effect.map(McpServer.Context, (ctx) => `${ctx.principal?.subject ?? "anonymous"} ${ctx.principal?.scopes.join(",")}`)
)

const jwtOptions = (jwksUrl: string): Auth.JwtOptions => ({
  resource: RESOURCE,
  issuer: ISSUER,
  jwksUrl,
  requiredScopes: ["mcp:tools"],
  algorithms: ["ES256"]
})

let jwksServer: http.Server
let jwksFetches = 0
let runtime: ManagedRuntime.ManagedRuntime<Http.Endpoint, never>
let url: string

beforeAll(async () => {
  jwksServer = http.createServer((_req, res) => {
    jwksFetches++
    res.writeHead(200, { "content-type": "application/json" })
    res.end(JSON.stringify({ keys: [publicJwk] }))
  })
  await new Promise<void>((resolve) => jwksServer.listen(0, "127.0.0.1", resolve))
  const jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks.json`
  runtime = ManagedRuntime.make(
    Http.layerEndpoint({ port: 0 }).pipe(
      Layer.provide(Layer.merge(McpServer.tools(WhoAmI), McpServer.middleware(Middleware.logging))),
      Layer.provide(McpServer.layer({ name: "auth-test", version: "1.0.0" })),
      Layer.provide(Auth.layerJwt(jwtOptions(jwksUrl))),
      Layer.provide(CapturingLogger)
    )
  )
  url = (await runtime.runPromise(Http.Endpoint)).url
})

afterAll(async () => {
  await runtime?.dispose()
  await new Promise<void>((resolve) => jwksServer?.close(() => resolve()))
})

const initializeBody = JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "raw", version: "1" } }
})

const post = (body: string, headers: Record<string, string> = {}) =>
  fetch(url, { method: "POST", headers: postHeaders(headers), body })

const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

const connect = async (token: string) => {
  const client = new Client({ name: "auth-test", version: "1.0.0" })
  const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: bearer(token) } })
  await client.connect(transport)
  return { client, transport }
}

const textOf = (result: unknown) => (result as { content: Array<{ text: string }> }).content[0]!.text

describe("Auth.layerJwt on Http.serve", () => {
  it("no token: 401 with a challenge naming resource_metadata, and a JSON-RPC error body", async () => {
    const response = await post(initializeBody)
    expect(response.status).toBe(401)
    expect(response.headers.get("www-authenticate")).toBe(
      `Bearer resource_metadata="${METADATA_URL}", scope="mcp:tools"`
    )
    const body = (await response.json()) as any
    expect(body.error.code).toBe(-32600)
    expect(body.error.message).toMatch(/^Unauthorized/)
    // The SDK client without a token cannot connect.
    const client = new Client({ name: "no-token", version: "1.0.0" })
    await expect(client.connect(new StreamableHTTPClientTransport(new URL(url)))).rejects.toThrow()
  })

  it.each([
    ["a bad signature", () => sign({}, otherKeys.privateKey), /signature/],
    ["another audience", () => sign({ aud: "https://other.example.com/mcp" }), /aud/],
    ["an expired token", () => sign({ expInSeconds: -120 }), /expired/]
  ])("%s: 401 invalid_token", async (_, token, description) => {
    const response = await post(initializeBody, bearer(await token()))
    expect(response.status).toBe(401)
    const challenge = response.headers.get("www-authenticate")!
    expect(challenge).toMatch(/^Bearer error="invalid_token", error_description="[^"]+"/)
    expect(challenge).toContain(`resource_metadata="${METADATA_URL}"`)
    expect(challenge).toMatch(description)
  })

  it("a token without the required scope: 403 insufficient_scope naming the scope", async () => {
    const response = await post(initializeBody, bearer(await sign({ scope: "mcp:read" })))
    expect(response.status).toBe(403)
    expect(response.headers.get("www-authenticate")).toMatch(
      /^Bearer error="insufficient_scope", scope="mcp:tools", resource_metadata="[^"]+"/
    )
  })

  it("a good token: the SDK client calls tools and the handler sees the principal; the JWKS is fetched once", async () => {
    const token = await sign({ scope: "mcp:tools mcp:read" })
    const { client } = await connect(token)
    try {
      for (let i = 0; i < 5; i++) {
        expect(textOf(await client.callTool({ name: "whoami", arguments: {} }))).toBe("alice mcp:tools,mcp:read")
      }
      expect(jwksFetches).toBe(1)
    } finally {
      await client.close()
    }
  })

  it("a 2026-07-28 request is authenticated alike (stateless, principal in its meta)", async () => {
    const body = JSON.stringify({
      jsonrpc: "2.0",
      id: 7,
      method: "tools/call",
      params: {
        name: "whoami",
        arguments: {},
        _meta: {
          "io.modelcontextprotocol/protocolVersion": MODERN,
          "io.modelcontextprotocol/clientCapabilities": {},
          "io.modelcontextprotocol/clientInfo": { name: "raw-modern", version: "1.0.0" }
        }
      }
    })
    const headers = { "mcp-protocol-version": MODERN, "mcp-method": "tools/call", "mcp-name": "whoami" }
    expect((await post(body, headers)).status).toBe(401)
    const response = await post(body, { ...headers, ...bearer(await sign({ sub: "carol" })) })
    expect(response.status).toBe(200)
    expect(((await response.json()) as any).result.content[0].text).toBe("carol mcp:tools")
  })

  it("serves the RFC 9728 metadata, unauthenticated, on the path-inserted and the root well-known URIs", async () => {
    const expected = {
      resource: RESOURCE,
      authorization_servers: [ISSUER],
      scopes_supported: ["mcp:tools"],
      bearer_methods_supported: ["header"]
    }
    for (const path of [METADATA_PATH, "/.well-known/oauth-protected-resource"]) {
      const response = await fetch(new URL(path, url))
      expect(response.status).toBe(200)
      expect(response.headers.get("content-type")).toContain("application/json")
      expect(await response.json()).toEqual(expected)
    }
    expect((await fetch(new URL("/.well-known/other", url))).status).toBe(404)
  })

  it("a session is bound to its subject: another subject's valid token gets 403", async () => {
    const { client, transport } = await connect(await sign({ sub: "alice" }))
    try {
      const sessionId = transport.sessionId!
      const call = JSON.stringify({ jsonrpc: "2.0", id: 9, method: "tools/call", params: { name: "whoami", arguments: {} } })
      const session = { "mcp-session-id": sessionId, "mcp-protocol-version": "2025-11-25" }
      const hijack = await post(call, { ...session, ...bearer(await sign({ sub: "mallory" })) })
      expect(hijack.status).toBe(403)
      expect(((await hijack.json()) as any).error.message).toMatch(/another principal/)
      // A new token of the same subject (a refresh) keeps working.
      const refreshed = await post(call, { ...session, ...bearer(await sign({ sub: "alice", expInSeconds: 7200 })) })
      expect(refreshed.status).toBe(200)
      expect(textOf(((await refreshed.json()) as any).result)).toBe("alice mcp:tools")
    } finally {
      await client.close()
    }
  })

  it("a cached token is rejected once it expires", async () => {
    const token = await sign({ expInSeconds: 2 })
    const { client } = await connect(token)
    try {
      expect(textOf(await client.callTool({ name: "whoami", arguments: {} }))).toBe("alice mcp:tools")
      await delay(2_200)
      const expired = await post(
        JSON.stringify({ jsonrpc: "2.0", id: 3, method: "ping" }),
        bearer(token)
      )
      expect(expired.status).toBe(401)
      expect(expired.headers.get("www-authenticate")).toMatch(/error="invalid_token".*expired/)
      await expect(client.callTool({ name: "whoami", arguments: {} })).rejects.toThrow()
    } finally {
      await client.close().catch(() => {})
    }
  })
})

describe("Auth with sessions off", () => {
  it("a stateless legacy request carries the principal in its meta", async () => {
    const stateless = ManagedRuntime.make(
      Http.layerEndpoint({ port: 0, sessions: false }).pipe(
        Layer.provide(McpServer.tools(WhoAmI)),
        Layer.provide(McpServer.layer({ name: "auth-stateless", version: "1.0.0" })),
        Layer.provide(Auth.layerJwt({ resource: RESOURCE, issuer: ISSUER, jwks: { keys: [publicJwk] } }))
      )
    )
    try {
      const endpoint = (await stateless.runPromise(Http.Endpoint)).url
      const call = JSON.stringify({ jsonrpc: "2.0", id: 4, method: "tools/call", params: { name: "whoami", arguments: {} } })
      const headers = postHeaders({ "mcp-protocol-version": "2025-06-18" })
      expect((await fetch(endpoint, { method: "POST", headers, body: call })).status).toBe(401)
      const response = await fetch(endpoint, {
        method: "POST",
        headers: { ...headers, ...bearer(await sign({ sub: "erin", scope: "x y" })) },
        body: call
      })
      expect(response.status).toBe(200)
      expect(textOf(((await response.json()) as any).result)).toBe("erin x,y")
    } finally {
      await stateless.dispose()
    }
  })
})

describe("Auth through Http.toHttpApp", () => {
  it("challenges, serves the metadata and passes a good token", async () => {
    const Live = Layer.unwrapScoped(
      Effect.map(Http.toHttpApp(), (mcp) =>
        HttpRouter.empty.pipe(
          HttpRouter.all("/mcp", mcp),
          HttpRouter.get("/.well-known/*", mcp),
          HttpServer.serve()
        ))
    ).pipe(
      Layer.provide(McpServer.tools(WhoAmI)),
      Layer.provide(McpServer.layer({ name: "auth-app", version: "1.0.0" })),
      Layer.provide(EventStore.layerMemory()),
      Layer.provide(Auth.layerJwt({
        resource: RESOURCE,
        issuer: ISSUER,
        jwks: { keys: [publicJwk] },
        requiredScopes: ["mcp:tools"]
      })),
      Layer.provideMerge(NodeHttpServer.layer(http.createServer, { port: 0, host: "127.0.0.1" }))
    )
    const app = ManagedRuntime.make(Live)
    try {
      const address = (await app.runPromise(Effect.map(HttpServer.HttpServer, (s) => s.address))) as HttpServer.TcpAddress
      const appUrl = new URL(`http://127.0.0.1:${address.port}/mcp`)
      const denied = await fetch(appUrl, { method: "POST", headers: postHeaders(), body: initializeBody })
      expect(denied.status).toBe(401)
      expect(denied.headers.get("www-authenticate")).toContain(`resource_metadata="${METADATA_URL}"`)
      const metadata = await fetch(new URL(METADATA_PATH, appUrl))
      expect(metadata.status).toBe(200)
      expect(((await metadata.json()) as any).resource).toBe(RESOURCE)
      const client = new Client({ name: "app", version: "1.0.0" })
      await client.connect(
        new StreamableHTTPClientTransport(appUrl, { requestInit: { headers: bearer(await sign({ sub: "dave" })) } })
      )
      expect(textOf(await client.callTool({ name: "whoami", arguments: {} }))).toBe("dave mcp:tools")
      await client.close()
    } finally {
      await app.dispose()
    }
  })
})

describe("secrets stay out of the logs", () => {
  it("no log line of this file's auth runs carries a token, whole or its signature", async () => {
    // One more of each outcome, so the check does not depend on the order tests ran in.
    const good = await sign()
    const { client } = await connect(good)
    await client.callTool({ name: "whoami", arguments: {} })
    await client.close()
    await post(initializeBody, bearer(await sign({ expInSeconds: -120 })))
    await post(initializeBody, bearer(await sign({}, otherKeys.privateKey)))
    await post(initializeBody, bearer("not-a-jwt-but-secret-looking-0123456789"))
    issued.push("not-a-jwt-but-secret-looking-0123456789")
    expect(logLines.length).toBeGreaterThan(0)
    for (const token of issued) {
      const signature = token.split(".").at(-1)!
      for (const line of logLines) {
        expect(line.includes(token) || line.includes(signature), `a log line carries a token: ${line.slice(0, 200)}`).toBe(false)
      }
    }
  })
})
