const t = Date.now()
await import("turbomcp-server")
console.log("index import ms", Date.now() - t)
