/**
 * A Vite plugin for the renderer: the DICOM codecs of cornerstone-wado-image-loader without JS eval.
 *
 * The loader's decode worker (inlined in its bundle as a string, started as a `blob:` URL) holds
 * four Emscripten embind modules (libjpeg-turbo, CharLS, OpenJPEG, OpenJPH). embind builds two
 * kinds of functions with `new Function`: named wrappers (createNamedFunction), call invokers
 * (craftInvokerFunction) and `val` constructors (craftEmvalAllocator). The UI's CSP has no 'unsafe-eval' (a blob: worker inherits it), so both
 * are replaced here by the closures Emscripten itself uses when built with DYNAMIC_EXECUTION=0.
 * The WebAssembly itself still needs 'wasm-unsafe-eval' (see shared/csp.ts), which allows no JS eval.
 *
 * The codecs' WebAssembly is inlined as `data:application/wasm` URLs, which Emscripten would
 * fetch (connect-src is 'self' only: refused): each codec factory is given the decoded bytes as
 * `wasmBinary` instead, so nothing is fetched but the instances.
 */
import type { Plugin } from 'vite';

const BUNDLE = /cornerstone-wado-image-loader[\\/]dist[\\/]cornerstoneWADOImageLoader\.bundle\.min\.js$/;

/** The worker source is inside a single-quoted string: the patterns see `\'` and `\\n`. */
const NAMED_FUNCTION =
  /new Function\("body","return function "\+\w+\+\\'\(\) \{\\\\n {4}"use strict"; {4}return body\.apply\(this, arguments\);\\\\n\};\\\\n\\'\)\((\w+)\)/g;

/** craftInvokerFunction(humanName, argTypes, classType, cppInvokerFunc, cppTargetFunc), up to its `new_(Function, …)`. */
const INVOKER =
  /function (\w+)\(\w,\w,\w,\w,\w\)\{var \w=\w\.length;\w<2&&(\w+)\("argTypes array size mismatch![\s\S]*?\(Function,\w+\)\.apply\(null,\w+\)\}/g;

/** craftEmvalAllocator(argCount): the generated allocator, up to its `new Function(…)(requireRegisteredType, Module, toHandle, getMemory)`. */
const EMVAL_ALLOCATOR =
  /function\((\w)\)\{for\(var \w="",\w=0;\w<\1;\+\+\w\)[\s\S]*?new Function\("requireRegisteredType","Module","valueToHandle","getMemory",\w\)\((\w+),\w+,([\w.]+),(\(\(\)=>\w+\))\)\}/g;

/** A codec factory's options: `locateFile` maps its .wasm to the inlined data URL. */
const CODEC_OPTIONS = /\(\{locateFile:function\((\w)\)\{return (\w+\(\)\(\1\)\.call\(\1,"\.wasm"\))\?(\w+):\1\}\}\)/g;

/** A base64 data URL's bytes (no single quote: it lands in a string). */
const DECODE_DATA_URL =
  'function(__u){var __s=atob(__u.slice(__u.indexOf(",")+1)),__b=new Uint8Array(__s.length),__i;for(__i=0;__i<__s.length;__i++)__b[__i]=__s.charCodeAt(__i);return __b}';

/**
 * Emscripten's invoker without dynamic execution, in one line and with no single quote (it lands in a
 * string); locals start with `__` so they cannot shadow the minified names the code closes over.
 */
function invoker(name: string, throwBindingError: string): string {
  return (
    `function ${name}(__n,__t,__c,__v,__f){var __N=__t.length,__M=null!==__t[1]&&null!==__c,__D=!1,__o;` +
    `for(__o=1;__o<__N;++__o)if(null!==__t[__o]&&void 0===__t[__o].destructorFunction){__D=!0;break}` +
    `var __R="void"!==__t[0].name;return function(){if(arguments.length!==__N-2)${throwBindingError}(` +
    `"function "+__n+" called with "+arguments.length+" arguments, expected "+(__N-2)+" args!");` +
    `var __d=__D?[]:null,__a=[__f],__w,__s=[],__i,__r,__x;if(__M){__w=__t[1].toWireType(__d,this);__a.push(__w)}` +
    `for(__i=0;__i<__N-2;++__i){__s[__i]=__t[__i+2].toWireType(__d,arguments[__i]);__a.push(__s[__i])}` +
    `__r=__v.apply(null,__a);if(__D)for(;__d.length;){__x=__d.pop();__d.pop()(__x)}` +
    `else for(__i=__M?1:2;__i<__N;++__i){__x=1===__i?__w:__s[__i-2];` +
    `null!==__t[__i].destructorFunction&&__t[__i].destructorFunction(__x)}if(__R)return __t[0].fromWireType(__r)}}`
  );
}

/** The bundle's source with embind's eval replaced; throws if the bundle is not the one this was written for. */
export function removeEmbindEval(source: string): string {
  let named = 0;
  let invokers = 0;
  let codecs = 0;
  let allocators = 0;
  const patched = source
    .replace(NAMED_FUNCTION, (_match, body: string) => {
      named++;
      return `(function(__b){return function(){return __b.apply(this,arguments)}})(${body})`;
    })
    .replace(INVOKER, (_match, name: string, thrower: string) => {
      invokers++;
      return invoker(name, thrower);
    })
    .replace(EMVAL_ALLOCATOR, (_match, _count: string, requireType: string, toHandle: string, memory: string) => {
      allocators++;
      return (
        `function(__n){return function(__c,__t,__a){var __h=${memory}(),__v=[],__i,__y;for(__i=0;__i<__n;++__i){` +
        `__y=${requireType}(__h[__t>>2],"parameter "+__i);__v[__i]=__y.readValueFromPointer(__a);` +
        `__a+=__y.argPackAdvance;__t+=4}return ${toHandle}(new __c(...__v))}}`
      );
    })
    .replace(CODEC_OPTIONS, (_match, file: string, isWasm: string, url: string) => {
      codecs++;
      return `({wasmBinary:(${DECODE_DATA_URL})(${url}),locateFile:function(${file}){return ${isWasm}?${url}:${file}}})`;
    });
  if (named === 0 || named !== invokers || codecs !== named || allocators === 0)
    throw new Error(
      `cornerstone-wado-image-loader: patterns not found (${named} named functions, ${invokers} invokers, ${allocators} allocators, ${codecs} codecs)`,
    );
  return patched;
}

export function cornerstoneNoEval(): Plugin {
  return {
    name: 'medvault:cornerstone-no-eval',
    enforce: 'pre',
    transform(code, id) {
      if (!BUNDLE.test(id.split('?')[0]!)) return null;
      return { code: removeEmbindEval(code), map: null };
    },
  };
}
