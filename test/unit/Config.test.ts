// The `Config` twins of the layers: each reads its options from the ConfigProvider when it is
// built, and a missing required value fails the layer with a ConfigError (not a defect).
import { assert, describe, it } from "@effect/vitest"
import { Config, ConfigError, ConfigProvider, Effect, Exit, Layer, Redacted } from "effect"
import * as jose from "jose"
import * as net from "node:net"
import { PassThrough } from "node:stream"
import { Auth, Http, McpServer, Resource, Stdio, Tool } from "turbomcp-server"
import { TestClient } from "turbomcp-server/testing"

const withConfig = (entries: Record<string, string>) =>
  Layer.setConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(entries))))

const Server = McpServer.layer({ name: "config-test", version: "1.0.0" })

/** A port no one listens on now (the OS picks it, then it is released). */
const freePort = Effect.async<number>((resume) => {
  const probe = net.createServer()
  probe.listen(0, "127.0.0.1", () => {
    const port = (probe.address() as net.AddressInfo).port
    probe.close(() => resume(Effect.succeed(port)))
  })
})

/** The ConfigError a layer fails with; a defect or a success fails the test. */
const configErrorOf = <A, E, R>(layer: Layer.Layer<A, E, R>) =>
  Effect.gen(function*() {
    const exit = yield* Effect.exit(Effect.scoped(Layer.build(layer)))
    assert.isTrue(Exit.isFailure(exit), "the layer was built")
    const error = yield* Effect.flip(exit)
    assert.isTrue(ConfigError.isConfigError(error), `not a ConfigError: ${String(error)}`)
    return error as ConfigError.ConfigError
  })

const initialize = {
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "config-test", version: "0" } }
}

describe("Http.layerConfig", () => {
  it.live("listens on the port and path read from config", () =>
    Effect.gen(function*() {
      const port = yield* freePort
      const response = yield* Effect.promise(() =>
        fetch(`http://127.0.0.1:${port}/from-config`, {
          method: "POST",
          headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
          body: JSON.stringify(initialize)
        })
      ).pipe(
        Effect.provide(
          Http.layerConfig({ port: Config.integer("PORT"), path: Config.string("MCP_PATH") }).pipe(
            Layer.provide(Server),
            Layer.provide(withConfig({ PORT: String(port), MCP_PATH: "/from-config" }))
          )
        )
      )
      assert.strictEqual(response.status, 200)
      const body = yield* Effect.promise(() => response.json() as Promise<any>)
      assert.strictEqual(body.result.serverInfo.name, "config-test")
    }))

  it.scoped("layerEndpointConfig provides the endpoint on the configured port", () =>
    Effect.gen(function*() {
      const port = yield* freePort
      const endpoint = yield* Http.Endpoint.pipe(
        Effect.provide(
          Http.layerEndpointConfig({
            port: Config.integer("PORT"),
            host: Config.string("HOST").pipe(Config.withDefault("127.0.0.1"))
          }).pipe(Layer.provide(Server), Layer.provide(withConfig({ PORT: String(port) })))
        )
      )
      assert.strictEqual(endpoint.port, port)
      assert.strictEqual(endpoint.host, "127.0.0.1")
    }))

  it.effect("a missing port is a ConfigError", () =>
    Effect.gen(function*() {
      const error = yield* configErrorOf(
        Http.layerConfig({ port: Config.integer("PORT") }).pipe(Layer.provide(Server), Layer.provide(withConfig({})))
      )
      assert.include(String(error), "PORT")
    }))

  it.effect("a malformed port is a ConfigError", () =>
    Effect.gen(function*() {
      const error = yield* configErrorOf(
        Http.layerConfig({ port: Config.integer("PORT") }).pipe(
          Layer.provide(Server),
          Layer.provide(withConfig({ PORT: "not-a-port" }))
        )
      )
      assert.include(String(error), "PORT")
    }))
})

describe("Stdio.layerConfig", () => {
  it.live("reads maxLineLength from config and takes the streams as plain values", () =>
    Effect.gen(function*() {
      const stdin = new PassThrough()
      const stdout = new PassThrough()
      stdout.setEncoding("utf8")
      const firstLine = Effect.async<string>((resume) => {
        let buffer = ""
        stdout.on("data", (chunk: string) => {
          buffer += chunk
          const newline = buffer.indexOf("\n")
          if (newline >= 0) resume(Effect.succeed(buffer.slice(0, newline)))
        })
      })
      yield* Layer.build(
        Stdio.layerConfig({ maxLineLength: Config.integer("MAX_LINE_LENGTH") }, { stdin, stdout }).pipe(
          Layer.provide(Server),
          Layer.provide(withConfig({ MAX_LINE_LENGTH: "100" }))
        )
      )
      const line = `{"jsonrpc":"2.0","id":1,"method":"ping","params":{"pad":"${"p".repeat(200)}"}}`
      stdin.write(`${line}\n`)
      const answer = JSON.parse(yield* firstLine)
      assert.strictEqual(answer.error.code, -32600)
      assert.include(answer.error.message, "exceeds the limit of 100")
    }).pipe(Effect.scoped))

  it.effect("a missing value is a ConfigError", () =>
    Effect.gen(function*() {
      const error = yield* configErrorOf(
        Stdio.layerConfig({ maxLineLength: Config.integer("MAX_LINE_LENGTH") }, {
          stdin: new PassThrough(),
          stdout: new PassThrough()
        }).pipe(Layer.provide(Server), Layer.provide(withConfig({})))
      )
      assert.include(String(error), "MAX_LINE_LENGTH")
    }))
})

describe("McpServer.layerConfig", () => {
  it.scoped("reads name, version, a redacted requestStateKey and durations", () =>
    Effect.gen(function*() {
      const server = yield* McpServer.McpServer
      assert.strictEqual(server.options.name, "from-config")
      assert.strictEqual(server.options.version, "2.3.4")
      assert.isTrue(Redacted.isRedacted(server.options.requestStateKey))
      const client = yield* TestClient.make()
      const result = yield* client.initialize
      assert.deepStrictEqual(result.serverInfo, { name: "from-config", version: "2.3.4" })
      const list = yield* client.modern("resources/list")
      assert.strictEqual(list.ttlMs, 120_000)
    }).pipe(Effect.provide(
      McpServer.layerConfig({
        name: Config.string("MCP_NAME"),
        version: Config.string("MCP_VERSION"),
        requestStateKey: Config.redacted("MCP_STATE_KEY"),
        cacheHints: { lists: { ttlMs: Config.duration("MCP_LIST_TTL") } }
      }).pipe(Layer.provide(withConfig({
        MCP_NAME: "from-config",
        MCP_VERSION: "2.3.4",
        MCP_STATE_KEY: "a-shared-secret-of-the-cluster",
        MCP_LIST_TTL: "2 minutes"
      })))
    )))

  it.effect("a missing version is a ConfigError", () =>
    Effect.gen(function*() {
      const error = yield* configErrorOf(
        McpServer.layerConfig({ name: Config.succeed("x"), version: Config.string("MCP_VERSION") }).pipe(
          Layer.provide(withConfig({}))
        )
      )
      assert.include(String(error), "MCP_VERSION")
    }))
})

describe("Auth.layerJwtConfig", () => {
  const RESOURCE = "https://mcp.example.com/mcp"
  const ISSUER = "https://auth.example.com"
  const SECRET = "a-shared-secret-at-least-32-bytes-long"
  const AuthLive = Auth.layerJwtConfig({
    resource: Config.string("MCP_RESOURCE"),
    issuer: Config.string("OAUTH_ISSUER"),
    secret: Config.redacted("JWT_SECRET")
  }).pipe(Layer.provide(withConfig({ MCP_RESOURCE: RESOURCE, OAUTH_ISSUER: ISSUER, JWT_SECRET: SECRET })))

  const sign = (issuer: string) =>
    Effect.promise(() =>
      new jose.SignJWT({})
        .setProtectedHeader({ alg: "HS256" })
        .setSubject("alice")
        .setAudience(RESOURCE)
        .setIssuer(issuer)
        .setExpirationTime(3600) // seconds since the epoch; the TestClock starts at 0
        .sign(new TextEncoder().encode(SECRET))
    )
  const headersOf = (token: string): Auth.Headers => (name) => name === "authorization" ? `Bearer ${token}` : undefined

  it.effect("verifies with the secret, issuer and resource read from config", () =>
    Effect.gen(function*() {
      const principal = yield* Auth.authenticate(headersOf(yield* sign(ISSUER)))
      assert.strictEqual(principal.subject, "alice")
      const otherIssuer = yield* Effect.flip(Auth.authenticate(headersOf(yield* sign("https://elsewhere.example.com"))))
      assert.strictEqual(otherIssuer._tag, "InvalidToken")
      const auth = yield* Auth.Authenticator
      assert.strictEqual(auth.resourceMetadata?.document.resource, RESOURCE)
      assert.deepStrictEqual(auth.resourceMetadata?.document.authorization_servers, [ISSUER])
    }).pipe(Effect.provide(AuthLive)))

  it.effect("a missing resource is a ConfigError", () =>
    Effect.gen(function*() {
      const error = yield* configErrorOf(
        Auth.layerJwtConfig({
          resource: Config.string("MCP_RESOURCE"),
          secret: Config.redacted("JWT_SECRET")
        }).pipe(Layer.provide(withConfig({ JWT_SECRET: SECRET })))
      )
      assert.include(String(error), "MCP_RESOURCE")
    }))
})

describe("durations in options", () => {
  it.scoped("a resource's cache ttl accepts a Duration and is answered in ms", () =>
    Effect.gen(function*() {
      const client = yield* TestClient.make()
      const read = yield* client.modern("resources/read", { uri: "test://hinted" })
      assert.strictEqual(read.ttlMs, 90_000)
    }).pipe(Effect.provide(
      McpServer.resources(
        Resource.make({ uri: "test://hinted", name: "hinted", cache: { ttlMs: "90 seconds" } }).handle(Effect.succeed("x"))
      ).pipe(Layer.provideMerge(Server))
    )))

  it.scoped("task ttl and poll interval accept Durations and are answered in ms; a plain number is still ms", () =>
    Effect.gen(function*() {
      const client = yield* TestClient.make({ capabilities: { extensions: { "io.modelcontextprotocol/tasks": {} } } })
      const created = yield* client.modernOnce("tools/call", { name: "quick", arguments: {}, task: { ttl: 1 } })
      assert.strictEqual(created.resultType, "task")
      assert.strictEqual(created.ttlMs, 7_200_000)
      assert.strictEqual(created.pollIntervalMs, 250)
    }).pipe(Effect.provide(
      McpServer.tools(
        Tool.make("quick", { description: "Answers at once", task: "optional" }).handle(() => Effect.succeed("done"))
      ).pipe(Layer.provideMerge(McpServer.layer({
        name: "t",
        version: "1",
        tasks: { ttlMs: "2 hours", pollIntervalMs: 250 },
        clientRequestTimeout: "1 minute",
        requestStateTtl: "5 minutes"
      })))
    )))
})
