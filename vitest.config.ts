import { defineConfig } from 'vitest/config'

// In CI the JSON reporter also writes .test-results.json, which .ci/run turns
// into the plain "N passed, N failed" line CI recognises.
const ci = Boolean(process.env.CI)

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ci ? ['default', 'json'] : ['default'],
    outputFile: ci ? { json: '.test-results.json' } : undefined,
  },
})
