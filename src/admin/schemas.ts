/** TypeBox pieces the admin routes share. */
import { Type, type TSchema } from '@fastify/type-provider-typebox';

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

// ---- responses -------------------------------------------------------------------------------------------
// Fastify serialises an answer with its route's response schema and drops every property not declared, so
// these mirror what the repositories return; open shapes (rows, JSON blobs) are `Type.Unknown()`.

/** Every 4xx body (see `src/errors.ts`); `details` names fields for validation errors. */
export const ErrorBody = Type.Object(
  {
    success: Type.Boolean(),
    message: Type.String(),
    code: Type.String(),
    data: Type.Array(Type.Unknown()),
    details: Type.Optional(Type.Unknown()),
  },
  { title: 'ErrorBody' },
);

/** One of a list of strings, typed as their union (`{type: 'string', enum}` in the document). */
export const StringEnum = <T extends string>(values: readonly T[]) => Type.Unsafe<T>({ type: 'string', enum: [...values] });

/** `{ message }`: what deletes and other actions without a resource answer. */
export const MessageBody = Type.Object({ message: Type.String() }, { title: 'Message' });

/** `{ data, total }`: one page of a list (the page asked for is not echoed back). */
export function Paged<T extends TSchema>(item: T) {
  const title = (item as { title?: unknown }).title;
  return Type.Object({ data: Type.Array(item), total: Type.Integer() }, typeof title === 'string' ? { title: `${title}Page` } : {});
}

/** Response schemas of a route answering 200 with `schema`, and the shared error body for 4xx. */
export const ok = <T extends TSchema>(schema: T) => ({ 200: schema, '4xx': ErrorBody });
/** The same for a route answering 201 (it created something). */
export const created = <T extends TSchema>(schema: T) => ({ 201: schema, '4xx': ErrorBody });

/** A stored endpoint parameter (the catalog fills every field when it stores one; unknown keys are kept). */
export const ParameterOut = Type.Object(
  {
    name: Type.String(),
    location: Type.String(),
    data_type: Type.String(),
    is_required: Type.Optional(Type.Boolean()),
    default_value: Type.Optional(Type.Unknown()),
    validate: Type.Optional(Nullable(Type.String())),
    validate_message: Type.Optional(Nullable(Type.String())),
    description: Type.Optional(Nullable(Type.String())),
  },
  { title: 'Parameter', additionalProperties: true },
);

/** The unified diff between two versions. */
export const VersionDiffOut = Type.Object(
  {
    from: Type.Object({ id: Type.String(), version: Type.Integer() }),
    to: Type.Object({ id: Type.String(), version: Type.Integer() }),
    diff: Type.String(),
  },
  { title: 'VersionDiff' },
);
