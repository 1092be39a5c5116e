/**
 * TurboMCP Server for Effect: a production MCP server framework on Effect 3.
 *
 * @since 0.1.0
 */

/** @since 0.1.0 */
export * as JsonRpc from "./protocol/JsonRpc.js"
/** @since 0.1.0 */
export * as McpError from "./protocol/McpError.js"
/** @since 0.1.0 */
export * as McpSchema from "./protocol/McpSchema.js"
/** @since 0.1.0 */
export * as Version from "./protocol/Version.js"
/** @since 0.1.0 */
export * as McpServer from "./server/McpServer.js"
/** @since 0.1.0 */
export * as McpContext from "./server/McpContext.js"
/** @since 0.1.0 */
export * as Tool from "./server/Tool.js"
/** @since 0.1.0 */
export * as Resource from "./server/Resource.js"
/** @since 0.1.0 */
export * as Prompt from "./server/Prompt.js"
/** @since 0.1.0 */
export * as Completion from "./server/Completion.js"
/** @since 0.1.0 */
export * as Registry from "./server/Registry.js"
/** @since 0.1.0 */
export * as TaskStore from "./server/TaskStore.js"
/** @since 0.1.0 */
export * as Middleware from "./server/Middleware.js"
/** @since 0.1.0 */
export * as RequestMeta from "./server/RequestMeta.js"
/** @since 0.1.0 */
export * as ClientSession from "./server/ClientSession.js"
/** @since 0.1.0 */
export * as Stdio from "./transport/Stdio.js"
/** @since 0.1.0 */
export * as Http from "./transport/Http.js"
/** @since 0.1.0 */
export * as EventStore from "./transport/EventStore.js"
/** @since 0.1.0 */
export * as Auth from "./auth/Auth.js"
/** @since 0.1.0 */
export * as RateLimit from "./ratelimit/RateLimit.js"
/** @since 0.1.0 */
export * as Management from "./http/Management.js"
/** @since 0.1.0 */
export * as Health from "./observability/Health.js"
/** @since 0.1.0 */
export * as CircuitBreaker from "./observability/CircuitBreaker.js"
/** @since 0.1.0 */
export * as Metrics from "./observability/Metrics.js"
/** @since 0.1.0 */
export * as Tracing from "./observability/Tracing.js"
/** @since 0.1.0 */
export * as Lifecycle from "./lifecycle/Lifecycle.js"
/** @since 0.1.0 */
export * as SharedServer from "./lifecycle/SharedServer.js"
/** @since 0.2.0 */
export * as Session from "./session/Session.js"
/** @since 0.2.0 */
export * as SessionStore from "./session/SessionStore.js"
/** @since 0.2.0 */
export * as SessionStoreFile from "./session/SessionStoreFile.js"
/** @since 0.2.0 */
export * as SessionState from "./session/SessionState.js"
