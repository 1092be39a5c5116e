/** @internal */
// Per-revision shaping of list items and results: the only place definitions meet versions.
import type * as McpSchema from "../../protocol/McpSchema.js"
import * as Version from "../../protocol/Version.js"
import type { Prompt } from "../Prompt.js"
import type { Resource, Template } from "../Resource.js"
import type { Tool } from "../Tool.js"

const cache = new WeakMap<object, Map<Version.ProtocolVersion, unknown>>()
const cached = <A extends object>(item: A, version: Version.ProtocolVersion, build: () => unknown): unknown => {
  let byVersion = cache.get(item)
  if (byVersion === undefined) {
    byVersion = new Map()
    cache.set(item, byVersion)
  }
  let value = byVersion.get(version)
  if (value === undefined) {
    value = build()
    byVersion.set(version, value)
  }
  return value
}

const strip = (o: Record<string, unknown>) => {
  for (const key of Object.keys(o)) if (o[key] === undefined) delete o[key]
  return o
}

/** @internal */
export const tool = (t: Tool, v: Version.ProtocolVersion) =>
  cached(t, v, () =>
    strip({
      name: t.name,
      title: Version.hasStructuredOutput(v) ? t.title : undefined,
      description: t.description,
      inputSchema: t.inputSchema,
      outputSchema: Version.hasStructuredOutput(v) ? t.outputSchema : undefined,
      annotations: Version.hasToolAnnotations(v) ? t.annotations : undefined,
      icons: Version.hasIcons(v) ? t.icons : undefined,
      _meta: t._meta
    }))

const metadata = (m: Resource["metadata"], v: Version.ProtocolVersion) => {
  const { title, icons, ...rest } = m
  return {
    ...rest,
    ...(Version.hasStructuredOutput(v) && title !== undefined ? { title } : {}),
    ...(Version.hasIcons(v) && icons !== undefined ? { icons } : {})
  }
}

/** @internal */
export const resource = (r: Resource, v: Version.ProtocolVersion) =>
  cached(r, v, () => ({ uri: r.uri, ...metadata(r.metadata, v) }))

/** @internal */
export const template = (t: Template, v: Version.ProtocolVersion) =>
  cached(t, v, () => ({ uriTemplate: t.uriTemplate, ...metadata(t.metadata, v) }))

/** @internal */
export const prompt = (p: Prompt, v: Version.ProtocolVersion) =>
  cached(p, v, () =>
    strip({
      name: p.name,
      title: Version.hasStructuredOutput(v) ? p.title : undefined,
      description: p.description,
      arguments: p.arguments,
      icons: Version.hasIcons(v) ? p.icons : undefined
    }))

const contentAllowed = (c: McpSchema.Content, v: Version.ProtocolVersion) =>
  c.type === "audio" ? Version.hasAudio(v) : c.type === "resource_link" ? Version.hasStructuredOutput(v) : true

/** @internal */
export const callToolResult = (r: McpSchema.CallToolResult, v: Version.ProtocolVersion): McpSchema.CallToolResult => {
  if (Version.hasStructuredOutput(v)) return r
  const { structuredContent: _, ...rest } = r
  return { ...rest, content: r.content.filter((c) => contentAllowed(c, v)) }
}
