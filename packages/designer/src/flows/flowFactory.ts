import { validate, type ValidationProblem, type WorkflowDefinition } from '@exflow/shared';
import { i18n } from '../i18n/i18n.js';

/** A definition key from a name: lower case, digits and dashes, as the schema requires. */
export function keyFromName(name: string): string {
  const key = name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return key || 'flow';
}

/** `key`, or `key-2`, `key-3`… when taken. */
export function freeKey(key: string, taken: ReadonlySet<string>): string {
  if (!taken.has(key)) return key;
  const root = key.replace(/-\d+$/, '').slice(0, 58);
  for (let i = 2; ; i++) if (!taken.has(`${root}-${i}`)) return `${root}-${i}`;
}

/** An empty flow: the canvas starts blank and the problem list says to add a start. */
export function blankDefinition(name: string, key: string): WorkflowDefinition {
  return { schemaVersion: 1, key, name, nodes: [], edges: [] };
}

/** A copy of a definition under a new key and name (ids inside stay, they are per definition). */
export function duplicateDefinition(source: WorkflowDefinition, taken: ReadonlySet<string>): WorkflowDefinition {
  return { ...structuredClone(source), key: freeKey(`${source.key}-copy`, taken), name: `Copy of ${source.name}`.slice(0, 200) };
}

export type ImportResult =
  | { ok: true; definition: WorkflowDefinition }
  | { ok: false; problems: (Pick<ValidationProblem, 'message' | 'nodeId' | 'edgeId' | 'path' | 'params'> & { code?: string })[] };

/**
 * Reads pasted or uploaded definition JSON and checks it with shared `validate()`: anything
 * with a problem is refused with the problems listed, so an import never saves a broken flow.
 */
export function parseDefinitionImport(text: string): ImportResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, problems: [{ message: i18n.t('importFlow.notJson', { message: (e as Error).message }) }] };
  }
  const { ok, problems } = validate(value);
  return ok ? { ok: true, definition: value as WorkflowDefinition } : { ok: false, problems };
}
