/**
 * What a call may leave behind on Node, watched around each test: timers still pending, client sockets still open
 * after the client was closed, and promise rejections nobody handled. Sockets are seen through the documented
 * `net.client.socket` diagnostics channel (undici opens its connections with `net.connect`), timers through
 * `process.getActiveResourcesInfo()`.
 */
import { subscribe, unsubscribe } from "node:diagnostics_channel"
import type { Socket } from "node:net"

// How long a closed pool's sockets may take to report themselves destroyed.
const socketGraceMs = 200

const timers = (): number => process.getActiveResourcesInfo().filter((kind) => kind === "Timeout").length

/** What one watched stretch left behind, once given `withinMs` to wind down; empty when nothing. */
export interface Watch {
  readonly leftovers: (options: {
    /** Whether every socket opened meanwhile must be closed (the client owned its connection pool). */
    readonly socketsClosed: boolean
    readonly withinMs?: number
  }) => Promise<ReadonlyArray<string>>
}

/** Starts watching for sockets and rejections; `stop` ends it. */
export const watcher = () => {
  const sockets: Array<Socket> = []
  const rejections: Array<unknown> = []
  const onSocket = (message: unknown) => {
    sockets.push((message as { readonly socket: Socket }).socket)
  }
  const onRejection = (reason: unknown) => {
    rejections.push(reason)
  }
  subscribe("net.client.socket", onSocket)
  process.on("unhandledRejection", onRejection)

  const begin = (): Watch => {
    const timersBefore = timers()
    const firstSocket = sockets.length
    const firstRejection = rejections.length
    const openSockets = () => sockets.slice(firstSocket).filter((socket) => !socket.destroyed).length
    const pendingTimers = () => timers() - timersBefore
    const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
    return {
      leftovers: async ({ socketsClosed, withinMs = 3_000 }) => {
        const found: Array<string> = []
        // Closing a pool destroys its sockets at once, while an idle one would only go after its keep-alive timeout
        // (seconds later): sockets are judged after a short grace.
        if (socketsClosed) {
          for (let waited = 0; openSockets() > 0 && waited < socketGraceMs; waited += 5) await wait(5)
          if (openSockets() > 0) found.push(`${openSockets()} client socket(s) still open after close`)
        }
        // Timers get longer, since the emulator's own (the wait of a slow answer) may fire after the call ended.
        for (let waited = 0; pendingTimers() > 0 && waited < withinMs; waited += 20) await wait(20)
        if (pendingTimers() > 0) found.push(`${pendingTimers()} more timer(s) pending than before`)
        for (const reason of rejections.slice(firstRejection)) found.push(`unhandled rejection: ${String(reason)}`)
        return found
      }
    }
  }

  return {
    begin,
    stop: () => {
      unsubscribe("net.client.socket", onSocket)
      process.off("unhandledRejection", onRejection)
    }
  }
}
