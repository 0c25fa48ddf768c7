// The Snap7 server of bench:s7 in its own process, so the bench's CPU share is the connector's alone.
// Prints {"port": n} once listening; stops when stdin closes.
import { startSnap7Peer } from '../connectors/s7/snap7-peer.fixture'

const DBS = Number(process.env.S7_DBS ?? 20)
const DB_BYTES = Number(process.env.S7_DB_BYTES ?? 1024)

const dbs: Record<number, Buffer> = {}
for (let n = 1; n <= DBS; n++) {
  // A known pattern: byte i of DB n is (n + i) mod 256.
  dbs[n] = Buffer.from(Array.from({ length: DB_BYTES }, (_, i) => (n + i) & 0xff))
}
const peer = await startSnap7Peer({ dbs })
process.stdout.write(`${JSON.stringify({ port: peer.port })}\n`)
process.stdin.resume()
process.stdin.on('end', () => void peer.stop().then(() => process.exit(0)))
