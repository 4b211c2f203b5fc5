// `npm run bench`: runs the storage and llm benchmarks, prints a table (or JSON with
// --json) and writes the JSON report to bench/results/latest.json (or --out FILE).
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { LivingDbError } from '../errors/index.js'
import { BENCH_USAGE, parseBenchArguments } from './bench-options.js'
import { buildReport, formatReport } from './bench-report.js'
import { runBenchmarks } from './run-benchmarks.js'

try {
  const options = parseBenchArguments(process.argv.slice(2))
  if (options === 'help') {
    process.stdout.write(`${BENCH_USAGE}\n`)
  } else {
    const report = buildReport(await runBenchmarks({ options }))
    mkdirSync(dirname(options.outputPath), { recursive: true })
    writeFileSync(options.outputPath, `${JSON.stringify(report, null, 2)}\n`)
    process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatReport(report)}\n\nJSON: ${options.outputPath}\n`)
  }
} catch (error) {
  if (LivingDbError.isInstance(error) && error.code === 'CLI_USAGE') {
    process.stderr.write(`${error.message}\n`)
    process.exitCode = 2
  } else {
    throw error
  }
}
