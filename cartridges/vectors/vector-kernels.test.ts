import { describe, expect, it } from 'vitest'
import { SeededRandom, testSeed } from '../conformance/index.js'
import { createVectorKernels, emulatedDot, emulatedSquaredL2, strideFor } from './vector-kernels.js'

describe('vector kernels', () => {
  const seed = testSeed()
  it.each([16, 48, 384, 1536])('SIMD results equal the JavaScript emulation bit for bit (%i floats, seed %i)', (floats) => {
    const random = new SeededRandom(seed + floats)
    const kernels = createVectorKernels(floats * 4 * 20)
    const view = new Float32Array(kernels.buffer())
    for (let index = 0; index < floats * 20; index++) view[index] = (random.next() - 0.5) * 8
    for (let slot = 1; slot < 20; slot++) {
      expect(kernels.dot(0, slot * floats * 4, floats), `seed ${seed}`).toBe(emulatedDot(view, 0, slot * floats, floats))
      expect(kernels.squaredL2(0, slot * floats * 4, floats), `seed ${seed}`).toBe(emulatedSquaredL2(view, 0, slot * floats, floats))
    }
  })

  it('computes a dot product and a squared distance (emulated kernels too) and grows its memory', () => {
    for (const forceEmulation of [false, true]) {
      const kernels = createVectorKernels(128, { forceEmulation })
      kernels.ensureBytes(1 << 20)
      expect(kernels.buffer().byteLength).toBeGreaterThanOrEqual(1 << 20)
      const view = new Float32Array(kernels.buffer())
      view.set([1, 2, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 0)
      view.set([2, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], 16)
      expect(kernels.dot(0, 64, 16)).toBe(9)
      expect(kernels.squaredL2(0, 64, 16)).toBe(1 + 4 + 4 + 9 + 1)
    }
  })

  it('pads strides to a multiple of 16 floats', () => {
    expect([1, 16, 17, 384, 385].map(strideFor)).toEqual([16, 16, 32, 384, 400])
  })
})
