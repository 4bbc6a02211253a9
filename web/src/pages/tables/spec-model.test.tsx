import { describe, expect, it } from 'vitest';
import { specEntities } from './spec-model';

const DOC = `
openapi: 3.1.0
paths: {}
components:
  schemas:
    note:
      type: object
      description: not a table
    album:
      type: object
      x-am-database: music
      x-am-table: albums
      required: [ title ]
      properties:
        album_id: { type: integer, readOnly: true, x-am-primary-key: auto, x-am-column-type: integer }
        title: { type: string, x-am-column-type: varchar(160) }
        note: { type: [ string, "null" ] }
        artist:
          $ref: "#/components/schemas/artist"
          x-am-parent-property: artist_id
          x-am-child-property: artist_id
        track_items:
          type: array
          items: { $ref: "#/components/schemas/track" }
          x-am-parent-property: album_id
          x-am-child-property: album_id
`;

describe('reading the entities of a spec document', () => {
  it('lists table schemas with their key, columns and 1:1 / 1:N relations', () => {
    const [album, ...rest] = specEntities(DOC);
    expect(rest).toEqual([]);
    expect(album).toMatchObject({ name: 'album', database: 'music', table: 'albums', key: ['album_id'] });
    expect(album!.properties.map((p) => [p.name, p.type, p.required])).toEqual([
      ['album_id', 'integer', false],
      ['title', 'string', true],
      ['note', 'string?', false],
    ]);
    expect(album!.relations).toEqual([
      { name: 'artist', kind: '1:1', target: 'artist', via: 'artist_id → artist_id' },
      { name: 'track_items', kind: '1:N', target: 'track', via: 'album_id → album_id' },
    ]);
  });

  it('reads JSON documents too and finds nothing in a document without components', () => {
    expect(specEntities('{"openapi": "3.1.0", "paths": {}}')).toEqual([]);
  });
});
