/**
 * The compressed-pixel codecs, the same ones the UI's viewer (cornerstone-wado-image-loader 4.13.2)
 * decodes with: libjpeg-turbo (JPEG baseline/extended 8-bit), CharLS (JPEG-LS) and OpenJPEG
 * (JPEG 2000) as the @cornerstonejs WebAssembly builds, and jpeg-lossless-decoder-js (JPEG
 * lossless, which the loader bundles). Each WebAssembly module is loaded once, on first use; its
 * Emscripten loader finds the .wasm file next to itself in Node.
 */
import { createRequire } from 'node:module';
import { Decoder as JpegLosslessDecoder } from 'jpeg-lossless-decoder-js';

const require = createRequire(import.meta.url);

/** What a codec reports about the frame it decoded. */
export interface CodecFrame {
  width: number;
  height: number;
  bitsPerSample: number;
  componentCount: number;
  /** Decoded samples, interleaved per pixel for colour; 16-bit samples as host (little) endian bytes. */
  bytes: Uint8Array;
}

interface WasmDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  decode(): void;
  getFrameInfo(): { width: number; height: number; bitsPerSample: number; componentCount: number };
  getDecodedBuffer(): Uint8Array;
}

type WasmKind = 'jpeg' | 'jpegls' | 'j2k';

const MODULES: Record<WasmKind, { path: string; decoder: string }> = {
  jpeg: { path: '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs', decoder: 'JPEGDecoder' },
  jpegls: { path: '@cornerstonejs/codec-charls/decodewasmjs', decoder: 'JpegLSDecoder' },
  j2k: { path: '@cornerstonejs/codec-openjpeg/decodewasmjs', decoder: 'J2KDecoder' },
};

const decoders = new Map<WasmKind, Promise<{ decoder: WasmDecoder; module: Record<string, unknown> }>>();

function wasmDecoder(kind: WasmKind) {
  let ready = decoders.get(kind);
  if (!ready) {
    const spec = MODULES[kind];
    const loaded = require(spec.path) as { default?: unknown } | ((options?: object) => Promise<object>);
    const factory = (typeof loaded === 'function' ? loaded : loaded.default) as (
      options?: object,
    ) => Promise<Record<string, unknown>>;
    // OpenJPEG logs its progress through Emscripten's print: kept off stdout, which --json owns.
    ready = factory({ print: () => {}, printErr: () => {} }).then((module) => {
      const Decoder = module[spec.decoder] as new () => WasmDecoder;
      return { decoder: new Decoder(), module };
    });
    decoders.set(kind, ready);
  }
  return ready;
}

/** Decodes one encapsulated frame with a WebAssembly codec; the bytes are copied out of its memory. */
export async function decodeWithWasm(kind: WasmKind, encoded: Uint8Array): Promise<CodecFrame> {
  const { decoder, module } = await wasmDecoder(kind);
  try {
    decoder.getEncodedBuffer(encoded.length).set(encoded);
    decoder.decode();
  } catch (error) {
    // Emscripten throws a bare number (a C++ exception pointer) for the codec's own errors.
    const describe = module.getExceptionMessage as ((e: number) => string) | undefined;
    const message = typeof error === 'number' && describe ? String(describe(error)) : String(error);
    throw new Error(message, { cause: error });
  }
  const info = decoder.getFrameInfo();
  return {
    width: info.width,
    height: info.height,
    bitsPerSample: info.bitsPerSample,
    componentCount: info.componentCount,
    bytes: new Uint8Array(decoder.getDecodedBuffer()),
  };
}

/** JPEG lossless (processes 14, selection values 1–7): `bytesPerSample` is 1 for 8 bits allocated, else 2. */
export function decodeJpegLossless(encoded: Uint8Array, bytesPerSample: 1 | 2): Uint8Array {
  const copy = new Uint8Array(encoded); // the decoder reads an ArrayBuffer from offset 0
  const decoded = new JpegLosslessDecoder().decode(copy.buffer, 0, copy.length, bytesPerSample) as
    Uint8Array | Uint16Array;
  return new Uint8Array(decoded.buffer, decoded.byteOffset, decoded.byteLength);
}
