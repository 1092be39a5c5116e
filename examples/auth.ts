// examples/auth.ts: per-user notes behind OAuth 2.1 bearer tokens (JWT, JWKS) and a rate limit per user.
import { NodeRuntime } from "@effect/platform-node"
import { Context, Effect, HashMap, Layer, Option, Ref, Schema } from "effect"
import { Auth, Http, Lifecycle, McpServer, RateLimit, Tool } from "turbomcp-server"

class Notes extends Context.Tag("Notes")<Notes, Ref.Ref<HashMap.HashMap<string, ReadonlyArray<string>>>>() {}
const NotesLive = Layer.effect(Notes, Ref.make(HashMap.empty<string, ReadonlyArray<string>>()))

// The transport verified the token before the handler runs: `sub` is the caller.
const caller = Effect.map(McpServer.Context, (ctx) => ctx.principal?.subject ?? "anonymous")

const WhoAmI = Tool.make("whoami", {
  description: "The caller, as the access token says",
  success: Schema.Struct({ subject: Schema.String, scopes: Schema.Array(Schema.String) })
}).handle(() =>
  Effect.map(McpServer.Context, (ctx) => ({
    subject: ctx.principal?.subject ?? "anonymous",
    scopes: ctx.principal?.scopes ?? []
  }))
)

const AddNote = Tool.make("add_note", {
  description: "Save a note; only its author can read it",
  parameters: { text: Schema.String }
}).handle(({ text }) =>
  Effect.gen(function*() {
    const subject = yield* caller
    const count = yield* Ref.modify(yield* Notes, (all) => {
      const mine = [...Option.getOrElse(HashMap.get(all, subject), () => []), text]
      return [mine.length, HashMap.set(all, subject, mine)]
    })
    return `${count} note(s) for ${subject}`
  })
)

const ListNotes = Tool.make("list_notes", {
  description: "The caller's notes",
  success: Schema.Struct({ notes: Schema.Array(Schema.String) })
}).handle(() =>
  Effect.gen(function*() {
    const subject = yield* caller
    const all = yield* Ref.get(yield* Notes)
    return { notes: Option.getOrElse(HashMap.get(all, subject), () => []) }
  })
)

const port = Number(process.env.PORT ?? 3000)
const issuer = process.env.ISSUER ?? "https://auth.example.com"

const Main = Http.layer({ port }).pipe(
  Layer.provide(McpServer.tools(WhoAmI, AddNote, ListNotes)),
  Layer.provide(NotesLive),
  // Each caller (the token's subject) may make RATE_LIMIT tool calls a minute.
  Layer.provide(RateLimit.layer({ limit: Number(process.env.RATE_LIMIT ?? 60), window: "1 minute" })),
  Layer.provide(McpServer.layer({ name: "notes", version: "1.0.0" })),
  Layer.provide(Auth.layerJwt({
    // This server's canonical URI: tokens must name it in `aud`.
    resource: process.env.MCP_RESOURCE ?? `http://127.0.0.1:${port}/mcp`,
    issuer,
    jwksUrl: process.env.JWKS_URL ?? `${issuer}/.well-known/jwks.json`,
    requiredScopes: ["notes"]
  }))
)

NodeRuntime.runMain(Lifecycle.launch(Main))
