/**
 * Relation drafts → RelationModel, checked against both sides: same data source, the key properties exist
 * and are scalar, and defaults inferred where the document leaves them out.
 *
 * 1:1 (`$ref`): child = `x-am-child-property` or the target's (single-column) primary key; parent =
 * `x-am-parent-property`, or a sibling named like the child, or `<relation>_id`.
 * 1:N (array of `$ref`): parent = `x-am-parent-property` or this entity's (single-column) primary key; child =
 * `x-am-child-property` or a target property named like the parent.
 */
import type { PropertyModel, RelationModel } from '../../engines/table/model.ts';
import type { EntityDraft, Located, RelationDraft } from './entities.ts';
import type { Problems } from './problems.ts';
import { typeFamily } from './types.ts';

class RelationResolver {
  constructor(
    private readonly byName: Map<string, EntityDraft>,
    private readonly p: Problems,
  ) {}

  resolve(owner: EntityDraft, draft: RelationDraft): RelationModel | null {
    const target = this.byName.get(draft.target);
    if (!target) return null; // cannot happen: drafts only name annotated schemas
    const ownDs = owner.model.datasource;
    const targetDs = target.model.datasource;
    if (ownDs !== '' && targetDs !== '' && ownDs !== targetDs) {
      this.p.add(draft.path, `relation to "${draft.target}" in data source "${targetDs}", but this schema is in "${ownDs}": both sides must be in the same x-am-database`);
      return null;
    }
    const ends = draft.kind === 'one' ? this.oneToOne(owner, target, draft) : this.oneToMany(owner, target, draft);
    if (!ends) return null;
    const [parent, child] = ends;
    if (typeFamily(parent.type) !== typeFamily(child.type)) {
      this.p.add(draft.path, `joins ${owner.model.name}.${parent.name} (${parent.type}) to ${target.model.name}.${child.name} (${child.type}): the key types differ`);
      return null;
    }
    return {
      name: draft.name,
      kind: draft.kind,
      target: target.model.name,
      parentProperty: parent.name,
      childProperty: child.name,
      description: draft.description,
    };
  }

  private oneToOne(owner: EntityDraft, target: EntityDraft, draft: RelationDraft): [PropertyModel, PropertyModel] | null {
    const child = draft.child
      ? this.scalar(target, draft.child, 'x-am-child-property')
      : this.keyOf(target, draft, `"${target.model.name}" has no single-column primary key: set x-am-child-property (the key in the target)`);
    if (draft.parent) {
      const parent = this.scalar(owner, draft.parent, 'x-am-parent-property');
      return parent && child ? [parent, child] : null;
    }
    if (!child) return null;
    const candidates = [child.name, `${draft.name}_id`];
    const parent = candidates.map((name) => findScalar(owner, name)).find((found) => found !== undefined);
    if (!parent) {
      this.p.add(draft.path, `cannot infer x-am-parent-property: no property named ${candidates.map((c) => `"${c}"`).join(' or ')}; set x-am-parent-property (the property holding the key)`);
      return null;
    }
    return [parent, child];
  }

  private oneToMany(owner: EntityDraft, target: EntityDraft, draft: RelationDraft): [PropertyModel, PropertyModel] | null {
    const parent = draft.parent
      ? this.scalar(owner, draft.parent, 'x-am-parent-property')
      : this.keyOf(owner, draft, `"${owner.model.name}" has no single-column primary key: set x-am-parent-property (the key the children refer to)`);
    if (draft.child) {
      const child = this.scalar(target, draft.child, 'x-am-child-property');
      return parent && child ? [parent, child] : null;
    }
    if (!parent) return null;
    const child = findScalar(target, parent.name);
    if (!child) {
      this.p.add(draft.path, `cannot infer x-am-child-property: "${target.model.name}" has no property named "${parent.name}"; set x-am-child-property (the property of ${target.model.name} holding the key)`);
      return null;
    }
    return [parent, child];
  }

  private keyOf(entity: EntityDraft, draft: RelationDraft, message: string): PropertyModel | null {
    const key = entity.model.primaryKey;
    const only = key.length === 1 ? findScalar(entity, key[0] ?? '') : undefined;
    if (!only) {
      this.p.add(draft.path, message);
      return null;
    }
    return only;
  }

  private scalar(entity: EntityDraft, attribute: Located, key: string): PropertyModel | null {
    const found = findScalar(entity, attribute.value);
    if (found) return found;
    if (entity.broken.has(attribute.value)) return null;
    const isRelation = entity.relations.some((relation) => relation.name === attribute.value);
    this.p.add(attribute.path, isRelation
      ? `${key} "${attribute.value}" is a relation of ${entity.model.name}, not a scalar property`
      : `unknown ${key}: ${entity.model.name} has no property "${attribute.value}"`);
    return null;
  }
}

const findScalar = (entity: EntityDraft, name: string): PropertyModel | undefined =>
  entity.model.properties.find((property) => property.name === name);

/** Fills every entity's `relations`, reporting what does not fit. */
export function resolveRelations(drafts: EntityDraft[], problems: Problems): void {
  const resolver = new RelationResolver(new Map(drafts.map((draft) => [draft.model.name, draft])), problems);
  for (const owner of drafts) {
    for (const draft of owner.relations) {
      const relation = resolver.resolve(owner, draft);
      if (relation) owner.model.relations.push(relation);
    }
  }
}
