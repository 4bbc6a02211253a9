/** The spec generator: a database schema → an annotated OpenAPI 3.1 document that imports without edits. */
export { generateSpec, keyStrategyOf, type GenerateOptions } from './spec.ts';
export { describeTable, introspectToSpec, type IntrospectOptions } from './introspect.ts';
export { jsonTypeOf, type JsonType } from './column-types.ts';
export { specToYaml } from './yaml.ts';
