// The compile stage's public face (docs/bundle-format.md): config → canonical bundle,
// from a directory or from a loaded model. Other stages and package users import from
// here only.
export { compileDirectory, compileLoaded, validateDirectory, type CompileDirectoryResult } from './compile-directory.js';
export { compileSources, type CompileSourcesOptions } from './compile-sources.js';
export { compileModel, type CompileResult } from './compile.js';
