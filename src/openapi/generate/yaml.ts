/** Writes a generated spec as YAML a person can read: short scalar lists (`type`, `required`) in flow style. */
import { Document, isScalar, visit } from 'yaml';

export function specToYaml(spec: object, header?: string): string {
  const doc = new Document(spec);
  visit(doc, {
    Seq(_, node) {
      if (node.items.every((item) => isScalar(item))) node.flow = true;
    },
  });
  if (header) doc.commentBefore = header;
  return doc.toString({ lineWidth: 0 });
}
