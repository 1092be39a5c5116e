/**
 * Testing helpers: an in-memory client for the server in context.
 *
 * @since 0.1.0
 */

/** @since 0.1.0 */
export * as TestClient from "./TestClient.js"
