import { LivingDbError } from '../../errors/index.js'

/**
 * Distance kernels over Float32 vectors held in a WebAssembly memory, using 128-bit
 * SIMD (four f32 lanes, four accumulators: sixteen floats per step). Vectors are stored
 * with a stride that is a multiple of 16 floats, zero-padded, so the kernels need no
 * tail loop. WebAssembly's f32 arithmetic is exactly IEEE-754 (no fused multiply-add),
 * so the results are the same on every machine; {@link emulatedDot}/{@link emulatedSquaredL2}
 * compute the same bits in plain JavaScript where WebAssembly SIMD is missing.
 *
 * The module is assembled here byte by byte (no build step, no binary file in the repo).
 */

/** The slice of the WebAssembly API this file uses (the project's `lib` has no DOM types). */
interface WasmMemory {
  readonly buffer: ArrayBuffer
  grow(pages: number): number
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object
  Instance: new (module: object, imports: object) => { readonly exports: Record<string, unknown> }
}
const wasm = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly

/** Floats per vector slot for `dimensions` (a multiple of 16). */
export function strideFor(dimensions: number): number {
  return Math.ceil(dimensions / 16) * 16
}

/** The kernels over one memory: offsets are in bytes, `floats` is the (padded) stride. */
export interface VectorKernels {
  readonly memory: WasmMemory | undefined
  /** The memory's bytes (replaced when it grows: always read it again after `grow`). */
  buffer(): ArrayBuffer
  /** Grows the memory to hold at least `bytes`. */
  ensureBytes(bytes: number): void
  dot(aOffset: number, bOffset: number, floats: number): number
  squaredL2(aOffset: number, bOffset: number, floats: number): number
}

const SIMD = 0xfd
const V128 = 0x7b
const I32 = 0x7f
const F32 = 0x7d

function uleb(value: number): number[] {
  const bytes: number[] = []
  do {
    let byte = value & 0x7f
    value >>>= 7
    if (value !== 0) byte |= 0x80
    bytes.push(byte)
  } while (value !== 0)
  return bytes
}

function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content]
}

function name(text: string): number[] {
  return [...uleb(text.length), ...[...text].map((character) => character.charCodeAt(0))]
}

// Locals: params a=0, b=1, floats=2; v128 accumulators 3..6, v128 temp 7; i32 end 8.
function kernelBody(squared: boolean): number[] {
  const get = (index: number): number[] => [0x20, index]
  const set = (index: number): number[] => [0x21, index]
  const load = (pointer: number, offset: number): number[] => [...get(pointer), SIMD, 0x00, 0x04, ...uleb(offset)]
  const add = [SIMD, ...uleb(228)]
  const sub = [SIMD, ...uleb(229)]
  const mul = [SIMD, ...uleb(230)]
  const step: number[] = []
  for (let lane = 0; lane < 4; lane++) {
    const accumulator = 3 + lane
    const product = squared ? [...load(0, lane * 16), ...load(1, lane * 16), ...sub, 0x22, 7, ...get(7), ...mul] : [...load(0, lane * 16), ...load(1, lane * 16), ...mul]
    step.push(...get(accumulator), ...product, ...add, ...set(accumulator))
  }
  const advance = (pointer: number): number[] => [...get(pointer), 0x41, ...[0xc0, 0x00], 0x6a, ...set(pointer)] // pointer += 64
  const code = [
    ...get(0), ...get(2), 0x41, 2, 0x74, 0x6a, ...set(8), // end = a + floats * 4
    0x03, 0x40, ...step, ...advance(0), ...advance(1), ...get(0), ...get(8), 0x49, 0x0d, 0, 0x0b, // loop while a < end
    ...get(3), ...get(4), ...add, ...get(5), ...get(6), ...add, ...add, ...set(3),
    ...get(3), SIMD, 31, 0, ...get(3), SIMD, 31, 1, 0x92, ...get(3), SIMD, 31, 2, 0x92, ...get(3), SIMD, 31, 3, 0x92,
    0x0b,
  ]
  const locals = [2, 5, V128, 1, I32]
  const body = [...locals, ...code]
  return [...uleb(body.length), ...body]
}

function moduleBytes(): Uint8Array {
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 3, I32, I32, I32, 1, F32]),
    ...section(3, [2, 0, 0]),
    ...section(5, [1, 0x00, 1]),
    ...section(7, [3, ...name('memory'), 2, 0, ...name('dot'), 0, 0, ...name('l2'), 0, 1]),
    ...section(10, [2, ...kernelBody(false), ...kernelBody(true)]),
  ]
  return Uint8Array.from(bytes)
}

let compiled: object | null | undefined

function simdModule(): object | null {
  if (compiled !== undefined) return compiled
  try {
    compiled = wasm === undefined ? null : new wasm.Module(moduleBytes())
  } catch {
    compiled = null
  }
  return compiled
}

const PAGE = 65536

/** Kernels over a fresh memory of at least `bytes` (WebAssembly SIMD, or the exact JavaScript emulation). */
export function createVectorKernels(bytes: number, options: { readonly forceEmulation?: boolean } = {}): VectorKernels {
  const module = options.forceEmulation === true ? null : simdModule()
  if (module === null) {
    let buffer = new ArrayBuffer(Math.max(PAGE, bytes))
    return {
      memory: undefined,
      buffer: () => buffer,
      ensureBytes(needed) {
        if (needed <= buffer.byteLength) return
        const next = new ArrayBuffer(Math.max(needed, buffer.byteLength * 2))
        new Uint8Array(next).set(new Uint8Array(buffer))
        buffer = next
      },
      dot: (a, b, floats) => emulatedDot(new Float32Array(buffer), a >> 2, b >> 2, floats),
      squaredL2: (a, b, floats) => emulatedSquaredL2(new Float32Array(buffer), a >> 2, b >> 2, floats),
    }
  }
  const instance = new wasm!.Instance(module, {})
  const memory = instance.exports.memory as WasmMemory
  const dot = instance.exports.dot as (a: number, b: number, floats: number) => number
  const squaredL2 = instance.exports.l2 as (a: number, b: number, floats: number) => number
  const ensureBytes = (needed: number): void => {
    const have = memory.buffer.byteLength
    if (needed <= have) return
    const pages = Math.ceil((Math.max(needed, Math.min(have * 2, have + 256 * 1024 * 1024)) - have) / PAGE)
    try {
      memory.grow(pages)
    } catch (error) {
      throw new LivingDbError('INVALID_ARGUMENT', `A vector graph needs ${needed} bytes of WebAssembly memory, more than it can have (4 GiB): index fewer vectors or fewer dimensions per index (split it by prefix).`, { cause: error, details: { bytes: needed } })
    }
  }
  ensureBytes(bytes)
  return { memory, buffer: () => memory.buffer, ensureBytes, dot, squaredL2 }
}

/** The SIMD dot product's exact result in JavaScript (same lane order, f32 rounding at every step). */
export function emulatedDot(view: Float32Array, a: number, b: number, floats: number): number {
  return emulate(view, a, b, floats, false)
}

/** The SIMD squared L2 distance's exact result in JavaScript. */
export function emulatedSquaredL2(view: Float32Array, a: number, b: number, floats: number): number {
  return emulate(view, a, b, floats, true)
}

function emulate(view: Float32Array, a: number, b: number, floats: number, squared: boolean): number {
  const round = Math.fround
  const lanes = new Float64Array(16)
  for (let index = 0; index < floats; index += 16) {
    for (let lane = 0; lane < 16; lane++) {
      const x = view[a + index + lane]!
      const y = view[b + index + lane]!
      const term = squared ? round(round(x - y) * round(x - y)) : round(x * y)
      lanes[lane] = round(lanes[lane]! + term)
    }
  }
  const sum = (lane: number): number => round(round(lanes[lane]! + lanes[4 + lane]!) + round(lanes[8 + lane]! + lanes[12 + lane]!))
  return round(round(round(sum(0) + sum(1)) + sum(2)) + sum(3))
}
