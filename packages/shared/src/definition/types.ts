import type { FlowTestCase } from '../testCases/runTestCase.js';

/** A point on the canvas. Layout only: it never changes what a flow does. */
export interface Position {
  x: number;
  y: number;
}

/** One step of a flow. `kind` names an entry of the node catalogue; `config` follows its schema. */
export interface FlowNode {
  id: string;
  kind: string;
  label?: string;
  position?: Position;
  config?: Record<string, unknown>;
}

/** A connection from one node's output port to another node. */
export interface FlowEdge {
  id: string;
  source: string;
  target: string;
  /** The source node's output port (a decision branch, a task outcome, `done`, `error`...). */
  sourcePort?: string;
  label?: string;
}

/** A workflow definition: the single source of truth the canvas shows and the compiler reads. */
export interface WorkflowDefinition {
  schemaVersion: 1;
  key: string;
  name: string;
  description?: string;
  nodes: FlowNode[];
  edges: FlowEdge[];
  /** Saved test cases: the simulator and CI run each through the engine (`runTestCase`). */
  testCases?: FlowTestCase[];
}

/** A problem found by `validate`, naming the node or edge it concerns. */
export interface ValidationProblem {
  code: string;
  message: string;
  nodeId?: string;
  edgeId?: string;
  /** JSON pointer into the definition, when the problem is in one field. */
  path?: string;
  /** `warning` does not make a definition invalid; absent means `error`. */
  severity?: 'error' | 'warning';
  /** The nodes, in order, of the path that breaks a rule (segregation of duties). */
  pathNodeIds?: string[];
  /** The edges of that path, in order. */
  pathEdgeIds?: string[];
  /**
   * The values the message names (a step's name, a port, a count), so a client can say the
   * message in another language by its code; `message` stays the English text.
   */
  params?: Record<string, string | number>;
}
