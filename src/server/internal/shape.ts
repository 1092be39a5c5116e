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
  cached(t, v, () => {
    const f = Version.featuresOf(v)
    return strip({
      name: t.name,
      title: f.titles ? t.title : undefined,
      description: t.description,
      inputSchema: t.inputSchema,
      outputSchema: f.structuredOutput ? t.outputSchema : undefined,
      annotations: f.toolAnnotations ? t.annotations : undefined,
      icons: f.icons ? t.icons : undefined,
      _meta: t._meta
    })
  })

const metadata = (m: Resource["metadata"], v: Version.ProtocolVersion) => {
  const { title, icons, ...rest } = m
  const f = Version.featuresOf(v)
  return {
    ...rest,
    ...(f.titles && title !== undefined ? { title } : {}),
    ...(f.icons && icons !== undefined ? { icons } : {})
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
  cached(p, v, () => {
    const f = Version.featuresOf(v)
    return strip({
      name: p.name,
      title: f.titles ? p.title : undefined,
      description: p.description,
      arguments: p.arguments,
      icons: f.icons ? p.icons : undefined
    })
  })

const contentAllowed = (c: McpSchema.Content, f: Version.Features) =>
  c.type === "audio" ? f.audio : c.type === "resource_link" ? f.resourceLinks : true

/** @internal */
export const callToolResult = (r: McpSchema.CallToolResult, v: Version.ProtocolVersion): McpSchema.CallToolResult => {
  const f = Version.featuresOf(v)
  // The common case: a revision that takes every kind of result as it is.
  if (f.structuredOutput && f.audio && f.resourceLinks) return r
  const content = r.content.filter((c) => contentAllowed(c, f))
  if (f.structuredOutput) return { ...r, content }
  const { structuredContent: _, ...rest } = r
  return { ...rest, content }
}
