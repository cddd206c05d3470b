import type { KindAction, KindBehaviour, KindGuard } from './behaviour.js';
import type { NodeKind, StateConfig } from './defineNodeKind.js';

type AnyNodeKind = NodeKind<unknown>;

/** The guards and actions a compiled flow's machine runs, by the names it refers to them by. */
export interface FlowBehaviour {
  guards: Record<string, KindGuard>;
  actions: Record<string, KindAction>;
}

/** Name a compiled machine gives a kind's guard or action: qualified by the kind. */
const qualified = (kind: string, name: string) => `${kind}.${name}`;

/** The behaviour of `kind` at `version`: the current one, or one it keeps in `earlier`. */
function behaviourAt(kind: AnyNodeKind, version: number): KindBehaviour | undefined {
  return version === kind.version ? (kind.behaviour ?? {}) : kind.earlier?.[version];
}

/**
 * Rewrites the guard and action names a kind's `compile` wrote to the names the machine runs
 * them by (`taskOutcome` → `humanTask.taskOutcome`). Effect actions (`exflow.*`) stay as they
 * are: they are data for the runtime, not behaviour. A name the kind does not declare is a
 * broken declaration, so it throws.
 */
export function qualifyBehaviour(kind: AnyNodeKind, state: StateConfig): StateConfig {
  const { guards = {}, actions = {} } = kind.behaviour ?? {};
  const rename = (ref: unknown, declared: Record<string, unknown>, what: string): unknown => {
    if (!ref || typeof ref !== 'object' || !('type' in ref)) return ref;
    const type = String(ref.type);
    if (type.startsWith('exflow.')) return ref;
    if (!Object.hasOwn(declared, type)) {
      throw new Error(`Node kind "${kind.kind}" compiles to the ${what} "${type}" but its behaviour declares no such ${what}; add it to the kind's behaviour`);
    }
    return { ...ref, type: qualified(kind.kind, type) };
  };
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk);
    if (!value || typeof value !== 'object') return value;
    return Object.fromEntries(
      Object.entries(value).map(([key, v]) => {
        // params are the kind's data (a service's params may hold anything): never names
        if (key === 'params') return [key, v];
        if (key === 'guard') return [key, rename(v, guards, 'guard')];
        if (key === 'entry' || key === 'exit' || key === 'actions')
          return [key, Array.isArray(v) ? v.map((a) => rename(a, actions, 'action')) : rename(v, actions, 'action')];
        return [key, walk(v)];
      }),
    );
  };
  return walk(state) as StateConfig;
}

/**
 * The guards and actions of the kind versions a flow was compiled with (`kindVersions`), by
 * their qualified names. Throws when this build lacks one of them (a flow published by a
 * newer build, or a version whose code was dropped from `earlier`): running it with other code
 * would change what its cases do.
 */
export function versionedBehaviour(kindVersions: Record<string, number>, kinds: readonly AnyNodeKind[]): FlowBehaviour {
  const byKind = new Map(kinds.map((k) => [k.kind, k]));
  const out: FlowBehaviour = { guards: {}, actions: {} };
  for (const [name, version] of Object.entries(kindVersions)) {
    const kind = byKind.get(name);
    if (!kind)
      throw new Error(`The flow was compiled with node kind "${name}" v${version}, which this build does not have; run it on the build that published it`);
    const behaviour = behaviourAt(kind, version);
    if (!behaviour) {
      const known = [kind.version, ...Object.keys(kind.earlier ?? {}).map(Number)].sort((a, b) => a - b).join(', ');
      throw new Error(
        `The flow was compiled with node kind "${name}" v${version}; this build has v${known} of it. Keep v${version}'s behaviour in the kind's \`earlier\`, or migrate the flow's cases to a version compiled now`,
      );
    }
    for (const [g, fn] of Object.entries(behaviour.guards ?? {})) out.guards[qualified(name, g)] = fn;
    for (const [a, fn] of Object.entries(behaviour.actions ?? {})) out.actions[qualified(name, a)] = fn;
  }
  return out;
}

/**
 * Flows compiled before kinds had versions name guards and actions unqualified and record no
 * `kindVersions`: they run version 1 of every kind. Kinds shared those names then, with one
 * implementation each, so a name given two different implementations is a broken declaration.
 */
export function legacyBehaviour(kinds: readonly AnyNodeKind[]): FlowBehaviour {
  const out: FlowBehaviour = { guards: {}, actions: {} };
  const merge = <F>(into: Record<string, F>, from: Record<string, F> | undefined, kind: string) => {
    for (const [name, fn] of Object.entries(from ?? {})) {
      if (into[name] && into[name] !== fn) throw new Error(`Version 1 of node kind "${kind}" gives "${name}" other code than another kind's version 1`);
      into[name] = fn;
    }
  };
  for (const kind of kinds) {
    const v1 = behaviourAt(kind, 1);
    merge(out.guards, v1?.guards, kind.kind);
    merge(out.actions, v1?.actions, kind.kind);
  }
  return out;
}
