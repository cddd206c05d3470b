import {
  checkFeelExpression,
  checkFeelUnaryTests,
  getNodeKind,
  type DmnImportProblem,
  type FeelSyntaxError,
  type MigrationBlock,
  type PortSpec,
  type ValidationProblem,
  type WorkflowDefinition,
} from '@exflow/shared';
import { i18n, kindLabel, runtimeText as t } from './i18n.js';

/** A catalogue text by a key built at run time, or undefined when the catalogue has none. */
function text(key: string, params?: Record<string, unknown>): string | undefined {
  return i18n.exists(key, params) ? t(key, params) : undefined;
}

/**
 * An output port's label in the user's language: the labels shared generates (a decision's
 * "otherwise", a task's "past SLA", a parallel's "branch 2") are translated; a label the user
 * typed (an outcome, a branch) is shown as written.
 * @example portLabel('decision', { id: 'default', label: 'otherwise', required: true }) // 'sonst' in German
 */
export function portLabel(kind: string, port: Pick<PortSpec, 'id' | 'label'>): string {
  const branch = kind === 'parallel' ? /^b(\d+)$/.exec(port.id) : null;
  // the check and call kinds share the service's ports (done, failed)
  const own = `port.${kind}.${port.id}`;
  const key = branch ? 'port.parallelBranch' : i18n.exists(own) ? own : `port.service.${port.id}`;
  const params = branch ? { n: branch[1] } : {};
  // only the label shared generates is translated: the same id may carry a label the user typed
  if (!i18n.exists(key) || t(key, { ...params, lng: 'en' }) !== port.label) return port.label;
  return t(key, params);
}

/** An end outcome (resolved, rejected, cancelled) in the user's language. */
export function outcomeLabel(outcome: string): string {
  return text(`outcome.${outcome}`) ?? outcome;
}

/** A FEEL syntax error in the user's language ("FEEL-Syntaxfehler an Position 4 in …"). */
export function feelErrorText(error: FeelSyntaxError, source: string, unary = false): string {
  if (source.trim() === '') return t(unary ? 'feel.emptyUnary' : 'feel.empty');
  return t('feel.syntax', { position: error.position + 1, text: source });
}

/** `/config/params/0/x` → `params/*\/x`: the key a field's title has in the catalogue. */
const fieldKey = (pointer: string) =>
  pointer
    .replace(/^\/config\/?/, '')
    .split('/')
    .map((s) => (/^\d+$/.test(s) ? '*' : s))
    .join('/');

/**
 * A config field's title in the user's language by node kind and schema path (`params/url`,
 * `outcomes/*\/label`), else undefined (the caller keeps shared's title).
 */
export function fieldTitle(kind: string, path: string): string | undefined {
  const top = path.split('/')[0];
  return (
    text(`field.${kind}.${path}`) ?? (kind === 'humanTask' && !path.includes('/') ? text(`humanTaskField.${top}`) : undefined) ?? text(`field.common.${path}`)
  );
}

/** A config field's help text in the user's language, else undefined. */
export function fieldHelp(kind: string, path: string): string | undefined {
  return text(`fieldHelp.${kind}.${path}`) ?? text(`fieldHelp.common.${path}`);
}

/** What an ajv rule says about a field, the field named by its title where the catalogue has one. */
function ruleText(params: Record<string, string | number>, kind: string | undefined): string {
  const pointer = String(params.field ?? '');
  const field = (kind && pointer.startsWith('/config/') ? fieldTitle(kind, fieldKey(pointer)) : undefined) ?? pointer;
  const values = { ...params, field };
  return text(`problemRule.${String(params.rule)}`, values) ?? t('problemRule.other', values);
}

/** Where in a step a FEEL problem is, from its path, and the text there. */
function feelProblemText(problem: Pick<ValidationProblem, 'path' | 'nodeId' | 'message'>, definition: WorkflowDefinition | undefined): string | undefined {
  const node = definition?.nodes.find((n) => n.id === problem.nodeId);
  if (!node || !problem.path) return undefined;
  const segments = problem.path.replace(/^\/config\//, '').split('/');
  let source: unknown = node.config;
  for (const s of segments) source = (source as Record<string, unknown> | undefined)?.[s];
  if (typeof source !== 'string') return undefined;
  const [a, b, c, d] = segments;
  const unary = a === 'rules' && c === 'when';
  const error = unary ? checkFeelUnaryTests(source) : checkFeelExpression(source);
  if (!error) return undefined;
  const message = feelErrorText(error, source, unary);
  const n = (s: string | undefined) => Number(s) + 1;
  if (a === 'trigger') return text('flowProblem.feel.trigger', { error: message });
  if (a === 'correlationKey') return text('flowProblem.feel.correlationKey', { error: message });
  if (a === 'approval' && b === 'amount') return text('flowProblem.feel.approvalAmount', { error: message });
  if (a === 'inputs') return text('flowProblem.feel.input', { n: n(b), error: message });
  if (a === 'rules') return text(unary ? 'flowProblem.feel.ruleInput' : 'flowProblem.feel.ruleOutput', { rule: n(b), n: n(d), error: message });
  if (a === 'branches') {
    const branch = (node.config as { branches?: { id: string; label?: string }[] }).branches?.[Number(b)];
    return text('flowProblem.feel.branch', { branch: branch?.label || branch?.id, error: message });
  }
  return undefined;
}

/** The reasons an approval lacks four-eyes protection, joined in the user's language. */
function sodReasons(params: Record<string, string | number>): string {
  return [
    params.escaping && t('flowProblem.sod.escaping', { outcomes: params.escaping }),
    params.declared && t('flowProblem.sod.declared', { outcomes: params.declared }),
    params.submitters && t('flowProblem.sod.submitters', { roles: params.submitters }),
  ]
    .filter(Boolean)
    .join('; ');
}

/**
 * A validation problem's message in the user's language, by its code and the values it names;
 * a problem the catalogue does not know (or one from the server, without values) keeps shared's
 * English message.
 * @example problemText({ code: 'node.unreachable', message: '…', params: { name: 'Review' } }) // '„Review“ ist vom Start aus nicht erreichbar'
 */
export function problemText(problem: Pick<ValidationProblem, 'code' | 'message' | 'params' | 'path' | 'nodeId'>, definition?: WorkflowDefinition): string {
  if (problem.code === 'feel.syntax') return feelProblemText(problem, definition) ?? problem.message;
  const params = problem.params;
  if (!params) return problem.message;
  const kind = definition?.nodes.find((n) => n.id === problem.nodeId)?.kind;
  switch (problem.code) {
    case 'node.config':
    case 'schema': {
      const detail = ruleText(params, kind);
      if (problem.code === 'schema') return t('flowProblem.schema', { detail });
      if (!kind) return problem.message;
      return t('flowProblem.node.config', { kind: kindLabel(kind, getNodeKind(kind)?.label ?? kind), name: params.name, detail });
    }
    case 'port.unconnected':
      return t('flowProblem.port.unconnected', {
        name: params.name,
        port: kind ? portLabel(kind, { id: String(params.port), label: String(params.portLabel) }) : params.portLabel,
      });
    case 'testCase.unknownNode':
      return t(params.n === undefined ? 'flowProblem.testCase.unknownNode' : 'flowProblem.testCase.unknownStepNode', params);
    case 'sod.approval-unmarked':
    case 'sod.no-four-eyes': {
      const reached = params.path ? t('flowProblem.sod.reachedBy', { path: params.path }) : '';
      if (problem.code === 'sod.approval-unmarked') return t('flowProblem.sod.approval-unmarked', params) + reached;
      const base = t('flowProblem.sod.no-four-eyes', { name: params.name, reached, reasons: sodReasons(params) });
      return params.submitters ? base + t('flowProblem.sod.setThreshold') : base;
    }
    default:
      return text(`flowProblem.${problem.code}`, params) ?? problem.message;
  }
}

/**
 * Why a DMN file is not imported, in the user's language; a refusal the catalogue does not know
 * keeps shared's English message.
 * @example dmnRefusalText({ code: 'dmn.outputName', message: 'Output 2 has no name', params: { n: 2 } }) // 'Ausgabe 2 hat keinen Namen'
 */
export function dmnRefusalText(problem: DmnImportProblem): string {
  return text(`dmnRefusal.${problem.code}`, problem.params) ?? problem.message;
}

/** A node kind's name for a text: the catalogue's, else shared's label, else the kind itself. */
const kindName = (kind: string | undefined) => (kind ? kindLabel(kind, getNodeKind(kind)?.label ?? kind) : '');

/** The blocks whose text names more than the step: without `params` they keep the server's message. */
const NAMES_VALUES = new Set<MigrationBlock['code']>(['case.not-open', 'node.kind-changed', 'task.step-gone', 'parallel.shape-changed']);

/**
 * Why a case cannot move to the target version, in the user's language, from the block's code,
 * step and values; a block without values (from an older server) or of a code the catalogue
 * does not know keeps the server's English message.
 * @example migrationBlockText({ code: 'node.unmapped', nodeId: 'review', message: '…' }) // 'Der Fall wartet bei „review“, …'
 */
export function migrationBlockText(block: Pick<MigrationBlock, 'code' | 'nodeId' | 'message' | 'params'>): string {
  const params = block.params ?? {};
  if (!block.nodeId && block.code !== 'case.not-open') return block.message;
  if (!block.params && NAMES_VALUES.has(block.code)) return block.message;
  const key = block.code === 'parallel.shape-changed' ? `migrationBlock.${block.code}.${params.shape}` : `migrationBlock.${block.code}`;
  return (
    text(key, {
      ...params,
      step: block.nodeId,
      status: params.status && (text(`migrationBlock.caseStatus.${params.status}`) ?? params.status),
      kind: kindName(params.kind),
      targetKind: kindName(params.targetKind),
    }) ?? block.message
  );
}
