/** @internal */
// DNS-rebinding protection: Host and Origin must name an allowed host.

/** @internal */
export interface Config {
  /** Host names (without port) accepted in `Host`; `undefined` accepts any. */
  readonly allowedHosts: ReadonlyArray<string> | undefined
  /** Origins accepted in `Origin` (scheme://host[:port], or host names); `undefined` accepts any. */
  readonly allowedOrigins: ReadonlyArray<string> | undefined
}

/** @internal */
export const loopbackHosts: ReadonlyArray<string> = ["localhost", "127.0.0.1", "[::1]", "::1"]

const hostnameOf = (host: string): string => {
  if (host.startsWith("[")) {
    const end = host.indexOf("]")
    return end < 0 ? host : host.slice(0, end + 1)
  }
  const colon = host.indexOf(":")
  return (colon < 0 ? host : host.slice(0, colon)).toLowerCase()
}

/** @internal */
export const check = (config: Config, host: string | undefined, origin: string | undefined): string | undefined => {
  if (config.allowedHosts !== undefined) {
    if (host === undefined || !config.allowedHosts.includes(hostnameOf(host))) {
      return `Host ${host ?? "(none)"} is not allowed`
    }
  }
  if (origin !== undefined && config.allowedOrigins !== undefined) {
    let originHost: string
    try {
      originHost = new URL(origin).host
    } catch {
      return `Origin ${origin} is not allowed`
    }
    const allowed = config.allowedOrigins.some((o) =>
      o === origin || o === hostnameOf(originHost) || o === originHost
    )
    if (!allowed) return `Origin ${origin} is not allowed`
  }
  return undefined
}
