#!/usr/bin/env node
// The `otw` command: runs main/cli.ts through tsx so a checkout needs no build step.
import { register } from 'tsx/esm/api'

const major = Number(process.versions.node.split('.')[0])
if (major < 22) {
  process.stderr.write(
    `otw needs Node 22 or newer (this is ${process.version}). In a checkout, run it as \`npx otw\` or \`npm run otw --\` so the project's Node 22 is used.\n`,
  )
  process.exit(1)
}
register()
const { main } = await import('../cli.ts')
const code = await main(process.argv.slice(2))
process.exitCode = code
// Servers are closed by then; leave no lingering library handle holding the process open.
setTimeout(() => process.exit(code), 200).unref()
