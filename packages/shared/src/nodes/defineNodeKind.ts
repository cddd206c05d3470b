import type { FlowEdge, FlowNode, ValidationProblem } from '../definition/types.js';
import type { KindBehaviour } from './behaviour.js';

/** A JSON Schema object as plain data (ajv checks it; the designer renders forms from it). */
export type JsonSchema = Record<string, unknown>;

/** An output port of a node: edges leave from ports. */
export interface PortSpec {
  id: string;
  label: string;
  /** A required port must have exactly one edge; an optional one at most one. */
  required: boolean;
}

/** A JSON-serialisable XState state node config, as the compiler emits it. */
export type StateConfig = Record<string, unknown>;

/** What a node kind's `compile` gets to know about the graph around its node. */
export interface CompileContext {
  /** The `#id` target of the edge leaving `port`, or `undefined` when none is connected. */
  target(port: string): string | undefined;
  /** Every edge leaving the node, in definition order. */
  edgesOut: FlowEdge[];
  /** Target for a failure that has nowhere else to go: the case ends `failed`. */
  failedTarget: string;
  /** Another node of the flow (an AI suggestion step reads the human step it precedes). */
  node(id: string): FlowNode | undefined;
  /** The `#id` target of the edge leaving `port` of another node (`target` for that node). */
  targetFrom(nodeId: string, port: string): string | undefined;
}

export type NodeGroup = 'flow' | 'people' | 'checks' | 'logic' | 'integration' | 'end';

/** One node kind, declared once: palette, inspector, validation and compiler all read it. */
export interface NodeKind<C = Record<string, unknown>> {
  kind: string;
  label: string;
  description: string;
  group: NodeGroup;
  icon: string;
  /** How many edges may come in: start takes none. */
  inputs: 'none' | 'many';
  /** The output ports for a given config (a decision has one per branch plus `default`). */
  outputs(config: C): PortSpec[];
  /** JSON Schema of `config`; also the inspector's form. */
  configSchema: JsonSchema;
  /** Config of a node freshly dropped from the palette. */
  defaults: C;
  /** Checks a schema cannot express (FEEL syntax, durations). */
  check?(node: FlowNode, config: C): ValidationProblem[];
  /** The XState state node for this node, or `undefined` for kinds the compiler handles itself. */
  compile?(node: FlowNode, config: C, ctx: CompileContext): StateConfig;
  /**
   * The version of this kind's `behaviour`. `compile` records it in the compiled flow
   * (`kindVersions`), and a published version runs the behaviour of the kind versions it was
   * compiled with. Raise it when `behaviour` changes what a running case does, and keep the old
   * code in `earlier`.
   */
  version: number;
  /** The guard and action code this version's compiled states run, by the names `compile` writes. */
  behaviour?: KindBehaviour;
  /** The behaviour of earlier versions, by version: cases compiled with them keep running it. */
  earlier?: Readonly<Record<number, KindBehaviour>>;
}

/**
 * Declares a node kind. Only a typing helper: the declaration is plain data plus pure functions.
 * @example
 * export const join = defineNodeKind({ kind: 'join', label: 'Join', ... });
 */
export function defineNodeKind<C>(kind: NodeKind<C>): NodeKind<C> {
  return kind;
}

/** `#id` state target for a node id. */
export const stateTarget = (nodeId: string): string => `#${nodeId}`;
