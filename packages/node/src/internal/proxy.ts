/**
 * Proxy selection from the conventional environment variables: loopback and `NO_PROXY` hosts go direct, everything
 * else through `HTTPS_PROXY` / `HTTP_PROXY`. The undici dispatcher applying it lives in `router.ts`, so reading
 * these settings does not load undici.
 */

/** The proxy settings found in an environment; lower-case names win, as in curl and undici. */
export interface ProxySettings {
  readonly httpProxy: string | undefined
  readonly httpsProxy: string | undefined
  readonly noProxy: ReadonlyArray<{ readonly host: string; readonly port: number | undefined }>
  readonly noProxyAll: boolean
}

const pick = (env: Readonly<Record<string, string | undefined>>, name: string): string | undefined => {
  const value = env[name.toLowerCase()] ?? env[name.toUpperCase()]
  return value === undefined || value.trim() === "" ? undefined : value.trim()
}

const stripBrackets = (host: string): string => host.replace(/^\[(.*)\]$/, "$1").toLowerCase()

/** Reads `HTTP_PROXY`, `HTTPS_PROXY` and `NO_PROXY` in either case. */
export const proxySettings = (env: Readonly<Record<string, string | undefined>>): ProxySettings => {
  const raw = pick(env, "no_proxy") ?? ""
  const entries = raw
    .split(/[,\s]+/)
    .filter((entry) => entry !== "")
    .map((entry) => {
      const withPort = /^(.+):(\d+)$/.exec(entry)
      // An IPv6 address has colons of its own; only a bracketed one can carry a port.
      const host =
        withPort !== null && (!withPort[1]!.includes(":") || withPort[1]!.startsWith("[")) ? withPort[1]! : entry
      const port = host === entry ? undefined : Number(withPort![2])
      return { host: stripBrackets(host).replace(/^\*?\./, ""), port }
    })
  return {
    httpProxy: pick(env, "http_proxy"),
    httpsProxy: pick(env, "https_proxy"),
    noProxy: entries,
    noProxyAll: entries.some((entry) => entry.host === "*")
  }
}

/** Whether a host is this machine: `localhost`, 127.0.0.0/8 or ::1. */
export const isLoopback = (host: string): boolean => {
  const bare = stripBrackets(host)
  return bare === "localhost" || bare.endsWith(".localhost") || /^127(\.\d{1,3}){3}$/.test(bare) || bare === "::1"
}

/** The proxy URL for a request origin, or `undefined` to connect directly. */
export const proxyFor = (origin: URL, settings: ProxySettings): string | undefined => {
  const host = stripBrackets(origin.hostname)
  const port = Number(origin.port) || (origin.protocol === "https:" ? 443 : 80)
  if (isLoopback(host) || settings.noProxyAll) return undefined
  const bypass = settings.noProxy.some(
    (entry) =>
      (entry.port === undefined || entry.port === port) && (host === entry.host || host.endsWith(`.${entry.host}`))
  )
  if (bypass) return undefined
  // Like undici's EnvHttpProxyAgent, https falls back to HTTP_PROXY when HTTPS_PROXY is not set.
  return origin.protocol === "https:" ? (settings.httpsProxy ?? settings.httpProxy) : settings.httpProxy
}

/** A proxy URL fit for messages: user and password removed. */
export const describeProxy = (proxy: string): string => {
  try {
    const url = new URL(proxy)
    url.username = ""
    url.password = ""
    return url.origin
  } catch {
    return "(unparsable proxy URL)"
  }
}
