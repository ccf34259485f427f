// Validates electron-builder.yml against electron-builder's own configuration schema
// (app-builder-lib/scheme.json, the file electron-builder itself validates with), so a
// typo in the packaging config fails CI instead of a release build.
//
//   node scripts/validate-builder-config.mjs [path/to/electron-builder.yml]
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Ajv } from 'ajv';
import yaml from 'js-yaml';

const require = createRequire(import.meta.url);
// Resolved through electron-builder, so the schema is the one of the installed version.
const builderDir = path.dirname(require.resolve('electron-builder/package.json'));
const schemaPath = require.resolve('app-builder-lib/scheme.json', { paths: [builderDir] });
const schema = JSON.parse(readFileSync(schemaPath, 'utf8'));

const configPath = process.argv[2] ?? 'electron-builder.yml';
let config;
try {
  config = yaml.load(readFileSync(configPath, 'utf8'));
} catch (e) {
  console.error(`${configPath}: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}

// strict: false because the schema uses keywords Ajv's strict mode rejects (e.g. "tsType").
const ajv = new Ajv({ allErrors: true, strict: false });
const validate = ajv.compile(schema);
if (!validate(config)) {
  for (const e of validate.errors ?? []) {
    const extra =
      e.params && 'additionalProperty' in e.params ? ` (${e.params.additionalProperty})` : '';
    console.error(`${configPath}: ${e.instancePath || '/'} ${e.message}${extra}`);
  }
  process.exit(1);
}
process.stdout.write(`${configPath}: valid against ${path.relative(process.cwd(), schemaPath)}\n`);
