import { it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { Tool } from "turbomcp-server"
interface Node { readonly name: string; readonly children: ReadonlyArray<Node> }
const Node = Schema.Struct({ name: Schema.String, children: Schema.Array(Schema.suspend((): Schema.Schema<Node> => Node)) }).annotations({ identifier: "Node" })
it("x", () => {
  const t = Tool.make("s", { parameters: { root: Node } }).handle(() => Effect.succeed("x"))
  console.log(JSON.stringify(t.inputSchema))
})
