import type { OcelEvent, OcelLog, OcelObject, OcelType } from '@exflow/shared';
import initSqlJs, { type Database, type SqlJsStatic, type Statement } from 'sql.js';

/**
 * OCEL 2.0's SQLite exchange format (specification §6, "Relational Implementation"): `event`
 * and `object` (id → type), `event_map_type` and `object_map_type` (type → table suffix), one
 * `event_<Type>` table per event type (id, time, its attributes) and one `object_<Type>` table
 * per object type (a row with the first values, `ocel_changed_field` NULL, then a row per later
 * change naming the field), and the relations `event_object` and `object_object`, each with its
 * qualifier. Written with sql.js (SQLite compiled to WebAssembly), in memory.
 */

let sqlite: Promise<SqlJsStatic> | undefined;
const engine = () => (sqlite ??= initSqlJs());

const COLUMN: Record<string, string> = { string: 'TEXT', time: 'TIMESTAMP', integer: 'INTEGER', float: 'REAL', boolean: 'BOOLEAN' };
const TYPE_OF: Record<string, string> = { TEXT: 'string', TIMESTAMP: 'time', INTEGER: 'integer', REAL: 'float', BOOLEAN: 'boolean' };

/** The table suffix of a type name, as the specification derives it ("Purchase Order" → "PurchaseOrder"). */
const tableSuffix = (name: string) => name.replace(/(^|[^A-Za-z0-9]+)([A-Za-z0-9])/g, (_m, _s, c: string) => c.toUpperCase()).replace(/[^A-Za-z0-9]/g, '');
const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

function createTables(db: Database, prefix: 'event' | 'object', types: OcelType[]): Map<string, { table: string; columns: string[] }> {
  const tables = new Map<string, { table: string; columns: string[] }>();
  db.run(`CREATE TABLE ${prefix} (ocel_id TEXT PRIMARY KEY, ocel_type TEXT)`);
  db.run(`CREATE TABLE ${prefix}_map_type (ocel_type TEXT PRIMARY KEY, ocel_type_map TEXT)`);
  for (const t of types) {
    const suffix = tableSuffix(t.name);
    const table = `${prefix}_${suffix}`;
    const columns = t.attributes.map((a) => a.name);
    const declared = t.attributes.map((a) => `${quote(a.name)} ${COLUMN[a.type] ?? 'TEXT'}`);
    const fixed = prefix === 'event' ? ['ocel_id TEXT', 'ocel_time TIMESTAMP'] : ['ocel_id TEXT', 'ocel_time TIMESTAMP', 'ocel_changed_field TEXT'];
    db.run(`CREATE TABLE ${quote(table)} (${[...fixed, ...declared].join(', ')})`);
    db.run(`INSERT INTO ${prefix}_map_type VALUES (?, ?)`, [t.name, suffix]);
    tables.set(t.name, { table, columns });
  }
  return tables;
}

const typed = (value: string, type: string | undefined): string | number =>
  type === 'integer' || type === 'float' ? (Number.isFinite(Number(value)) ? Number(value) : value) : value;

/** Writes an OCEL 2.0 log as an SQLite database file (its bytes). */
export async function writeOcelSqlite(log: OcelLog): Promise<Uint8Array> {
  const db = new (await engine()).Database();
  // one prepared statement per INSERT text: preparing per row is most of the time on a large log
  const statements = new Map<string, Statement>();
  const insert = (sql: string, values: (string | number | null)[]) => {
    let statement = statements.get(sql);
    if (!statement) statements.set(sql, (statement = db.prepare(sql)));
    statement.run(values);
  };
  try {
    db.run('BEGIN');
    const eventTables = createTables(db, 'event', log.eventTypes);
    const objectTables = createTables(db, 'object', log.objectTypes);
    db.run('CREATE TABLE event_object (ocel_event_id TEXT, ocel_object_id TEXT, ocel_qualifier TEXT)');
    db.run('CREATE TABLE object_object (ocel_source_id TEXT, ocel_target_id TEXT, ocel_qualifier TEXT)');
    const typeOf = (types: OcelType[], type: string, attribute: string) =>
      types.find((t) => t.name === type)?.attributes.find((a) => a.name === attribute)?.type;

    for (const e of log.events) {
      const t = eventTables.get(e.type);
      if (!t) throw new Error(`event ${e.id} has type "${e.type}", which eventTypes does not declare`);
      insert('INSERT INTO event VALUES (?, ?)', [e.id, e.type]);
      const values = t.columns.map((c) => {
        const v = e.attributes.find((a) => a.name === c)?.value;
        return v === undefined ? null : typed(v, typeOf(log.eventTypes, e.type, c));
      });
      insert(`INSERT INTO ${quote(t.table)} VALUES (${['?', '?', ...t.columns.map(() => '?')].join(', ')})`, [e.id, e.time, ...values]);
      for (const r of e.relationships ?? []) insert('INSERT INTO event_object VALUES (?, ?, ?)', [e.id, r.objectId, r.qualifier]);
    }

    for (const o of log.objects) {
      const t = objectTables.get(o.type);
      if (!t) throw new Error(`object ${o.id} has type "${o.type}", which objectTypes does not declare`);
      insert('INSERT INTO object VALUES (?, ?)', [o.id, o.type]);
      const objectInsert = `INSERT INTO ${quote(t.table)} VALUES (${['?', '?', '?', ...t.columns.map(() => '?')].join(', ')})`;
      const byTime = new Map<string, { name: string; value: string }[]>();
      for (const a of o.attributes ?? []) byTime.set(a.time, [...(byTime.get(a.time) ?? []), a]);
      const times = [...byTime.keys()].sort((a, b) => Date.parse(a) - Date.parse(b));
      const row = (time: string, changed: string | null, set: { name: string; value: string }[]) =>
        insert(objectInsert, [
          o.id,
          time,
          changed,
          ...t.columns.map((c) => {
            const v = set.find((a) => a.name === c)?.value;
            return v === undefined ? null : typed(v, typeOf(log.objectTypes, o.type, c));
          }),
        ]);
      if (!times.length) row('1970-01-01T00:00:00Z', null, []);
      times.forEach((time, i) => {
        const set = byTime.get(time) ?? [];
        if (i === 0) row(time, null, set);
        else for (const a of set) row(time, a.name, [a]);
      });
      for (const r of o.relationships ?? []) insert('INSERT INTO object_object VALUES (?, ?, ?)', [o.id, r.objectId, r.qualifier]);
    }
    db.run('COMMIT');
    return db.export();
  } finally {
    for (const statement of statements.values()) statement.free();
    db.close();
  }
}

type Row = Record<string, string | number | null>;
const rows = (db: Database, sql: string): Row[] => {
  const [result] = db.exec(sql);
  return result ? result.values.map((v) => Object.fromEntries(result.columns.map((c, i) => [c, v[i] as string | number | null]))) : [];
};

function readTypes(db: Database, prefix: 'event' | 'object'): { types: OcelType[]; tables: Map<string, string> } {
  const fixed = new Set(['ocel_id', 'ocel_time', 'ocel_changed_field']);
  const tables = new Map<string, string>();
  const types = rows(db, `SELECT ocel_type, ocel_type_map FROM ${prefix}_map_type ORDER BY ocel_type`).map((r) => {
    const table = `${prefix}_${String(r.ocel_type_map)}`;
    tables.set(String(r.ocel_type), table);
    const attributes = rows(db, `PRAGMA table_info(${quote(table)})`)
      .filter((c) => !fixed.has(String(c.name)))
      .map((c) => ({ name: String(c.name), type: (TYPE_OF[String(c.type).toUpperCase()] ?? 'string') as OcelType['attributes'][number]['type'] }));
    return { name: String(r.ocel_type), attributes };
  });
  return { types, tables };
}

/** Reads an OCEL 2.0 SQLite database (its bytes) back into the JSON shape, attribute values as text. */
export async function readOcelSqlite(bytes: Uint8Array): Promise<OcelLog> {
  const db = new (await engine()).Database(bytes);
  try {
    const eventTypes = readTypes(db, 'event');
    const objectTypes = readTypes(db, 'object');
    const eventRelations = new Map<string, { objectId: string; qualifier: string }[]>();
    for (const r of rows(db, 'SELECT * FROM event_object ORDER BY rowid'))
      eventRelations.set(String(r.ocel_event_id), [
        ...(eventRelations.get(String(r.ocel_event_id)) ?? []),
        { objectId: String(r.ocel_object_id), qualifier: String(r.ocel_qualifier) },
      ]);
    const objectRelations = new Map<string, { objectId: string; qualifier: string }[]>();
    for (const r of rows(db, 'SELECT * FROM object_object ORDER BY rowid'))
      objectRelations.set(String(r.ocel_source_id), [
        ...(objectRelations.get(String(r.ocel_source_id)) ?? []),
        { objectId: String(r.ocel_target_id), qualifier: String(r.ocel_qualifier) },
      ]);

    const events: OcelEvent[] = [];
    for (const t of eventTypes.types) {
      for (const r of rows(db, `SELECT * FROM ${quote(eventTypes.tables.get(t.name) as string)} ORDER BY rowid`)) {
        const id = String(r.ocel_id);
        events.push({
          id,
          type: t.name,
          time: String(r.ocel_time),
          attributes: t.attributes.filter((a) => r[a.name] !== null).map((a) => ({ name: a.name, value: String(r[a.name]) })),
          relationships: eventRelations.get(id) ?? [],
        });
      }
    }
    const objects: OcelObject[] = [];
    for (const t of objectTypes.types) {
      const byId = new Map<string, OcelObject>();
      for (const r of rows(db, `SELECT * FROM ${quote(objectTypes.tables.get(t.name) as string)} ORDER BY rowid`)) {
        const id = String(r.ocel_id);
        const o = byId.get(id) ?? { id, type: t.name, attributes: [], relationships: objectRelations.get(id) ?? [] };
        byId.set(id, o);
        const changed = r.ocel_changed_field === null ? null : String(r.ocel_changed_field);
        for (const a of t.attributes)
          if (r[a.name] !== null && (changed === null || changed === a.name))
            o.attributes?.push({ name: a.name, value: String(r[a.name]), time: String(r.ocel_time) });
      }
      objects.push(...byId.values());
    }
    return { objectTypes: objectTypes.types, eventTypes: eventTypes.types, objects, events };
  } finally {
    db.close();
  }
}
