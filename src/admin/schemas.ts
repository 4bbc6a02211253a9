/** TypeBox pieces the admin routes share. */
import { Type } from '@fastify/type-provider-typebox';

export const Id = Type.String({ format: 'uuid' });
export const IdParams = Type.Object({ id: Id });
export const VersionParams = Type.Object({ id: Id, versionId: Id });
export const Page = {
  page: Type.Optional(Type.Integer({ minimum: 1, default: 1 })),
  page_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
};
/** Null first: with ajv's type coercion a `null` would otherwise be coerced into the other type (`""`, 0). */
export const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([Type.Null(), t]);
export const Commit = Type.Object({ commit_message: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))) });
export const Publish = Type.Object({ id: Id, version_id: Type.Optional(Id) });

/** One declared endpoint parameter (checked further by the catalog). */
export const ParameterSchema = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 128 }),
  location: Type.Optional(Type.Union(['path', 'query', 'header', 'body'].map((l) => Type.Literal(l)))),
  data_type: Type.Optional(Type.Union(['string', 'integer', 'number', 'boolean', 'array', 'object'].map((t) => Type.Literal(t)))),
  is_required: Type.Optional(Type.Boolean()),
  default_value: Type.Optional(Type.Unknown()),
  validate: Type.Optional(Nullable(Type.String({ maxLength: 1000 }))),
  validate_message: Type.Optional(Nullable(Type.String({ maxLength: 1000 }))),
  description: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
});
