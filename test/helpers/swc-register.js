// Lets plain `node` run the TypeScript sources (a real worker process for the kill test, the
// bench scripts) without a build: .ts files are compiled on require with @swc/core, using the
// same settings as Jest. Usage: node --require ./test/helpers/swc-register.js some-file.ts
const { transformSync } = require('@swc/core');
const { readFileSync } = require('node:fs');

require.extensions['.ts'] = function compileTypeScript(module, filename) {
  const { code } = transformSync(readFileSync(filename, 'utf8'), {
    filename,
    sourceMaps: 'inline',
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2023',
    },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};
